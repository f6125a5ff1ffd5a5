import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { archiveBase, fileNameParts } from '../../src/validate/file-name-parts.js'

describe('fileNameParts', () => {
  it('splits a spec name into its tokens', () => {
    assert.deepEqual(fileNameParts('opwr_gec_nonres-smb_v1-19-0_usage_20220411093001.zip'), {
      stem: 'opwr_gec_nonres-smb_v1-19-0_usage_20220411093001',
      extension: 'zip',
      prefix: 'opwr',
      utility: 'gec',
      population: 'nonres-smb',
      version: 'v1-19-0',
      fileType: 'usage',
      timestamp: '20220411093001',
    })
  })

  it('keeps a version written with "_" or "." as one token, so V04 can name it', () => {
    assert.equal(fileNameParts('opwr_gec_res_v1_19_0_full_20220411093000.gz')?.version, 'v1_19_0')
    assert.equal(fileNameParts('opwr_gec_res_v1.19.0_full_20220411093000.gz')?.version, 'v1.19.0')
    assert.equal(fileNameParts('opwr_gec_res_v1.19.0_full_20220411093000.gz')?.fileType, 'full')
  })

  it('gives up on names with fewer than six parts', () => {
    assert.equal(fileNameParts('opwr_gec_full_20220411093000.gz'), undefined)
  })

  it('strips only .gz and .zip for the archive base', () => {
    assert.equal(archiveBase('a_b.gz'), 'a_b')
    assert.equal(archiveBase('a_b.zip'), 'a_b')
    assert.equal(archiveBase('a_b.tsv'), 'a_b.tsv')
  })
})
