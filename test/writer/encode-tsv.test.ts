import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileSpecsOf, type FileSpec } from '../../src/spec/file-layout.js'
import { encodeTsv, encodeTsvLine } from '../../src/writer/encode-tsv.js'

const [USAGE] = fileSpecsOf('split', { servicePointIdInFull: 'once' }).slice(1) as [FileSpec]
const USAGE_HEADER = 'service_point_id\tusage_value\tdate_to\tduration\tis_estimate\tusage_charge\n'

async function encode(spec: FileSpec, records: Iterable<readonly string[]>): Promise<{ bytes: Buffer; rows: number }> {
  const chunks: Buffer[] = []
  const encoder = encodeTsv(spec)
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk)
      callback()
    },
  })
  // The encoder takes a batch of records per write: all of them as one batch.
  await pipeline([[...records]], encoder, sink)
  return { bytes: Buffer.concat(chunks), rows: encoder.rows }
}

describe('encodeTsvLine', () => {
  it('joins by TAB and ends with LF, writing quotes, pipes, backslashes and commas as given', () => {
    const line = encodeTsvLine(["O'Brien", '"Big" Co', 'A|B', 'C:\\x\\', '1,234', ''], USAGE, 2)
    assert.equal(line, 'O\'Brien\t"Big" Co\tA|B\tC:\\x\\\t1,234\t\n')
  })

  it('refuses a record narrower or wider than the header', () => {
    assert.throws(() => encodeTsvLine(['a', 'b'], USAGE, 7), /usage file row 7 has 2 values but the header has 6 columns/)
    assert.throws(() => encodeTsvLine(['1', '2', '3', '4', '5', '6', '7'], USAGE, 3), /has 7 values/)
  })

  for (const [label, bad] of [
    ['TAB', 'a\tb'],
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['NUL', 'a\0b'],
  ] as const) {
    it(`refuses a value that still contains a ${label}, naming the column but not the value`, () => {
      assert.throws(
        () => encodeTsvLine(['sp1', '1', '20250101', '30', 'A', bad], USAGE, 9),
        (error: Error) => error.message.includes('row 9 column usage_charge') && !error.message.includes(bad),
      )
    })
  }
})

describe('encodeTsv', () => {
  it('writes the header line alone for no records', async () => {
    const { bytes, rows } = await encode(USAGE, [])
    assert.deepEqual(bytes, Buffer.from(USAGE_HEADER, 'utf8'))
    assert.equal(rows, 0)
  })

  it('writes UTF-8 without BOM, non-ASCII letters unchanged, LF after the last row', async () => {
    const { bytes, rows } = await encode(USAGE, [
      ['José', '1.5', '20250101', '30', 'A', ''],
      ['Nguyễn', '2', '20250201', '31', 'E', 'Zoë'],
    ])
    const expected = USAGE_HEADER + 'José\t1.5\t20250101\t30\tA\t\nNguyễn\t2\t20250201\t31\tE\tZoë\n'
    assert.deepEqual(bytes, Buffer.from(expected, 'utf8'))
    assert.notDeepEqual(bytes.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]))
    // ễ is U+1EC5: three bytes in UTF-8, not a Latin-1 fallback.
    assert.ok(bytes.includes(Buffer.from([0xe1, 0xbb, 0x85])))
    assert.equal(rows, 2)
  })

  it('keeps every row across many output chunks', async () => {
    const records = Array.from({ length: 20_000 }, (_, i) => [`sp${i}`, `${i}.25`, '20250101', '30', 'A', i % 3 ? '' : 'ü'])
    const { bytes, rows } = await encode(USAGE, records)
    const expected = USAGE_HEADER + records.map((r) => r.join('\t') + '\n').join('')
    assert.equal(rows, 20_000)
    assert.ok(bytes.equals(Buffer.from(expected, 'utf8')))
  })

  it('fails the stream on a bad record instead of shifting a column', async () => {
    await assert.rejects(
      encode(USAGE, [
        ['sp1', '1', '20250101', '30', 'A', ''],
        ['sp2', '1', '20250101', '30', 'A\tE', ''],
      ]),
      /usage file row 3 column is_estimate still contains/,
    )
  })
})
