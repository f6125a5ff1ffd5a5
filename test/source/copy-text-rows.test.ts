import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { copyTextRows, type CopyColumnText } from '../../src/source/dialects/postgres-copy-rows.js'

// PostgreSQL's COPY text format as the server writes it: the rows must come back exactly, however the
// socket cut the bytes.

async function rowsOf(chunks: readonly Buffer[], columns: readonly CopyColumnText[]) {
  const rows = []
  for await (const batch of copyTextRows(
    (async function* () {
      yield* chunks
    })(),
    columns,
  )) {
    assert.ok(batch.length > 0, 'no empty batch')
    rows.push(...batch)
  }
  return rows
}

const plain: CopyColumnText[] = [undefined, undefined, undefined]

describe('COPY text rows', () => {
  // What the server writes for: a tab, a newline and a CR inside text, a backslash, the text "\N" (not
  // NULL), NULL itself, multi-byte characters and an emoji.
  const copyText = 'a\\tb\tline1\\nline2\\r\t\\\\\n\\\\N\t\\N\tPeñasco 🏠\n\t\t\n'
  const expected = [
    ['a\tb', 'line1\nline2\r', '\\'],
    ['\\N', null, 'Peñasco 🏠'],
    ['', '', ''],
  ]

  it('unescapes tabs, line ends and backslashes, tells NULL from the text \\N, and keeps empty text', async () => {
    assert.deepEqual(await rowsOf([Buffer.from(copyText)], plain), expected)
  })

  it('gives the same rows whichever byte the chunks end at, inside a line, an escape or a UTF-8 character', async () => {
    const bytes = Buffer.from(copyText)
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(await rowsOf([bytes.subarray(0, cut), bytes.subarray(cut)], plain), expected, `cut at byte ${cut}`)
    }
    assert.deepEqual(await rowsOf([...bytes].map((byte) => Buffer.from([byte])), plain), expected, 'one byte per chunk')
  })

  it("converts a column through its type's parser, and never a NULL", async () => {
    const columns: CopyColumnText[] = [(text) => (text === 't' ? '1' : '0'), undefined]
    assert.deepEqual(await rowsOf([Buffer.from('t\tx\nf\t\\N\n\\N\ty\n')], columns), [
      ['1', 'x'],
      ['0', null],
      [null, 'y'],
    ])
  })

  it('fails on a row with another number of columns than the query, and on output that ends inside a row', async () => {
    await assert.rejects(rowsOf([Buffer.from('a\tb\n')], plain), /a COPY row has 2 columns, the query 3/)
    await assert.rejects(rowsOf([Buffer.from('a\tb\tc\nd\te')], plain), /the COPY output ended inside a row/)
  })
})
