import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { FILE_TYPES } from '../../src/spec/file-layout.js'
import { COMPRESSIONS } from '../../src/writer/compress-stage.js'
import { buildFileName, parseFileName, POPULATION_TOKENS, type FileNameParts } from '../../src/writer/file-name.js'

const GEC: FileNameParts = {
  utility: 'gec',
  population: 'res',
  specVersion: 'v1-19-0',
  fileType: 'full',
  timestamp: '20220411093000',
  compression: 'gz',
}

describe('buildFileName', () => {
  it('builds the spec example names', () => {
    assert.equal(buildFileName(GEC), 'opwr_gec_res_v1-19-0_full_20220411093000.gz')
    assert.equal(
      buildFileName({ ...GEC, fileType: 'usage', timestamp: '20220411093001' }),
      'opwr_gec_res_v1-19-0_usage_20220411093001.gz',
    )
    assert.equal(
      buildFileName({ ...GEC, utility: 'ab12', population: 'nonres-smb', specVersion: '1-19-0', fileType: 'customer', compression: 'zip' }),
      'opwr_ab12_nonres-smb_1-19-0_customer_20220411093000.zip',
    )
  })

  it('round-trips through parseFileName for every population, file type and compression', () => {
    for (const population of POPULATION_TOKENS) {
      for (const fileType of FILE_TYPES) {
        for (const compression of COMPRESSIONS) {
          const parts: FileNameParts = { ...GEC, population, fileType, compression }
          assert.deepEqual(parseFileName(buildFileName(parts)), parts)
        }
      }
    }
  })

  const refused: [string, Partial<FileNameParts>][] = [
    ['utility in upper case', { utility: 'GEC' }],
    ['utility of 2 characters', { utility: 'ge' }],
    ['utility of 5 characters', { utility: 'gecco' }],
    ['utility with an underscore', { utility: 'g_c' }],
    ['unknown population', { population: 'commercial' as FileNameParts['population'] }],
    ['version with dots', { specVersion: 'v1.19.0' }],
    ['version with underscores', { specVersion: 'v1_19_0' }],
    ['version with two parts', { specVersion: 'v1-19' }],
    ['unknown compression', { compression: 'tar' as FileNameParts['compression'] }],
  ]
  for (const [label, change] of refused) {
    it(`refuses a ${label} as a mapping error naming the part`, () => {
      assert.throws(
        () => buildFileName({ ...GEC, ...change }),
        (error) => error instanceof ToolkitError && error.code === 'MAPPING_INVALID' && error.hint !== undefined &&
          error.message.includes(`"${Object.values(change)[0]}"`),
      )
    })
  }

  it('refuses a timestamp that is not 14 digits and an unknown file type as internal errors', () => {
    for (const timestamp of ['2022041109300', '202204110930000', '2022-04-11T09:30', '２０２２０４１１０９３０００']) {
      assert.throws(() => buildFileName({ ...GEC, timestamp }), (error) => !(error instanceof ToolkitError) && /timestamp/.test(String(error)))
    }
    assert.throws(() => buildFileName({ ...GEC, fileType: 'all' as FileNameParts['fileType'] }), /file type "all"/)
  })
})

describe('parseFileName', () => {
  it('returns the parts of a valid name', () => {
    assert.deepEqual(parseFileName('opwr_gec_nonres-lci_v2-0-10_usage_20261231235959.zip'), {
      utility: 'gec',
      population: 'nonres-lci',
      specVersion: 'v2-0-10',
      fileType: 'usage',
      timestamp: '20261231235959',
      compression: 'zip',
    })
  })

  it('returns null for names outside VALIDATION-RULES V01', () => {
    for (const name of [
      'opwr_gec_res_v1-19-0_full_20220411093000.tsv',
      'opwr_gec_res_v1-19-0_full_20220411093000.gz.part',
      '.part-opwr_gec_res_v1-19-0_full_20220411093000.gz-123-abcd',
      'OPWR_gec_res_v1-19-0_full_20220411093000.gz',
      'opwr_GEC_res_v1-19-0_full_20220411093000.gz',
      'opwr_gec_res_v1.19.0_full_20220411093000.gz',
      'opwr_gec_com_v1-19-0_full_20220411093000.gz',
      'opwr_gec_res_v1-19-0_bill_20220411093000.gz',
      'opwr_gec_res_v1-19-0_full_202204110930.gz',
      'opwr_gec_res_v1-19-0_full_20220411093000.gz\n',
      'opwr_util_full_20140520.txt',
    ]) {
      assert.equal(parseFileName(name), null, name)
    }
  })
})
