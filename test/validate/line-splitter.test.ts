import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LineSplitter } from '../../src/validate/line-splitter.js'

/** Feeds `bytes` cut at every given offset, returns the lines and the facts. */
function split(bytes: Buffer, cuts: readonly number[] = [], limit = 10) {
  const splitter = new LineSplitter(limit)
  const lines: string[] = []
  let start = 0
  for (const cut of [...cuts, bytes.length]) {
    lines.push(...splitter.push(bytes.subarray(start, cut)))
    start = cut
  }
  lines.push(...splitter.end())
  return { lines, facts: splitter.facts }
}

describe('LineSplitter', () => {
  it('says a block may hold other whitespace exactly when one of its lines does (V25 skips the rest)', () => {
    // JavaScript's \s minus space, TAB, CR and LF: what V25's scan for "other" whitespace looks for.
    const other = /[^\S \t\r\n]/
    const samples = ['plain ascii\tline', 'Peñasco Verde\t東京 – “quoted”', 'a\vb', 'a\fb', 'a\u00a0b', 'a\u1680b', 'a\u2003b', 'a\u200ab', 'a\u2028b']
    samples.push('a\u2029b', 'a\u202fb', 'a\u205fb', 'a\u3000b', 'a\ufeffb', 'ñ\u00a0', 'a\u0085b')
    for (const text of samples) {
      const splitter = new LineSplitter(10)
      splitter.push(Buffer.from(`header\n${text}\n`))
      if (other.test(text)) assert.equal(splitter.lastBlockOtherWhitespace, true, JSON.stringify(text))
      if (text === 'plain ascii\tline' || text === 'a\u0085b') assert.equal(splitter.lastBlockOtherWhitespace, false, JSON.stringify(text))
    }
  })
  it('gives the same lines whatever the chunk boundaries, even inside a character, a CRLF or the BOM', () => {
    const text = '\ufeffcustomer_id\tcity\r\nC-1\tMünchen\r\nC-2\t東京\r\n'
    const bytes = Buffer.from(text, 'utf8')
    const whole = split(bytes)
    assert.deepEqual(whole.lines, ['customer_id\tcity', 'C-1\tMünchen', 'C-2\t東京'])
    for (let cut = 1; cut < bytes.length; cut++) {
      const result = split(bytes, [cut])
      assert.deepEqual(result.lines, whole.lines, `cut at ${cut}`)
      assert.deepEqual(result.facts, whole.facts, `cut at ${cut}`)
    }
    const byteByByte = split(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))
    assert.deepEqual(byteByByte.lines, whole.lines)
    assert.equal(whole.facts.bom, true)
    assert.deepEqual(whole.facts.crlf, { count: 3, lines: [1, 2, 3] })
    assert.deepEqual(whole.facts.lf, { count: 0, lines: [] })
  })

  it('records LF, CRLF and lone CR lines, blank lines and a missing final newline', () => {
    const { lines, facts } = split(Buffer.from('h\na\r\n\nb\rc\n\r\nd'))
    assert.deepEqual(lines, ['h', 'a', '', 'b\rc', '', 'd'])
    assert.deepEqual(facts.lf, { count: 3, lines: [1, 3, 4] })
    assert.deepEqual(facts.crlf, { count: 2, lines: [2, 5] })
    assert.deepEqual(facts.loneCr, { count: 1, lines: [4] })
    assert.deepEqual(facts.blank, { count: 2, lines: [3, 5] })
    assert.equal(facts.missingFinalNewline, true)
    assert.equal(facts.lines, 6)
    assert.equal(facts.bytes, 13)
  })

  it('does not count the final terminator as a blank line, nor an empty input as missing one', () => {
    assert.deepEqual(split(Buffer.from('h\na\n')).facts.blank, { count: 0, lines: [] })
    const empty = split(Buffer.alloc(0))
    assert.deepEqual(empty.lines, [])
    assert.equal(empty.facts.missingFinalNewline, false)
    assert.equal(empty.facts.bom, false)
  })

  it('names the lines holding invalid UTF-8, and still returns them', () => {
    const bytes = Buffer.concat([Buffer.from('h\nok\nbad '), Buffer.from([0xe9]), Buffer.from('\nok\n'), Buffer.from([0xc3])])
    const { lines, facts } = split(bytes, [7])
    assert.deepEqual(facts.invalidUtf8, { count: 2, lines: [3, 5] })
    assert.deepEqual(lines, ['h', 'ok', 'bad \ufffd', 'ok', '\ufffd'])
  })

  it('keeps exact counts but only `limit` line numbers', () => {
    const { facts } = split(Buffer.from('a\r\n'.repeat(25)), [10, 31], 3)
    assert.deepEqual(facts.crlf, { count: 25, lines: [1, 2, 3] })
  })

  it('drops the unfinished line on discard (a truncated archive)', () => {
    const splitter = new LineSplitter(10)
    assert.deepEqual(splitter.push(Buffer.from('h\nrow 1\nrow 2 cut sh')), ['h', 'row 1'])
    splitter.discard()
    assert.deepEqual(splitter.end(), [])
    assert.equal(splitter.facts.missingFinalNewline, false)
  })
})
