import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cleanRecord } from '../../src/writer/clean-record.js'
import { DEFAULT_CLEANING_POLICY, type CleaningPolicy } from '../../src/writer/cleaning-policy.js'

const SPACE: CleaningPolicy = { tab: 'space', line_break: 'space', nul: 'remove' }
const REMOVE: CleaningPolicy = { tab: 'remove', line_break: 'remove', nul: 'remove' }
const REJECT: CleaningPolicy = { tab: 'reject', line_break: 'reject', nul: 'reject' }

describe('cleanRecord', () => {
  it('returns the same array and no cleaned columns when nothing needs cleaning', () => {
    const values = ["O'Brien", '"Big" Co', 'A|B', 'C:\\x\\', '1,234', 'José', 'Nguyễn', '', ' ']
    const result = cleanRecord(values, REJECT)
    assert.equal(result.ok, true)
    assert.ok(result.ok)
    assert.equal(result.values, values)
    assert.deepEqual(result.cleanedColumns, [])
  })

  it('uses space for tabs and line breaks and removes NUL by default', () => {
    assert.deepEqual(DEFAULT_CLEANING_POLICY, SPACE)
    const result = cleanRecord(['a\tb', 'c\r\nd', 'e\0f', 'ok'])
    assert.deepEqual(result, { ok: true, values: ['a b', 'c d', 'ef', 'ok'], cleanedColumns: [0, 1, 2] })
  })

  it('space: one space per TAB, per CR, per LF and per CRLF', () => {
    const input = ['1\t2\t\t3', 'l1\rl2\nl3\r\nl4', '\r\n\r\n', '\n\r', 'x\0\0y']
    const result = cleanRecord(input, SPACE)
    assert.deepEqual(result, {
      ok: true,
      values: ['1 2  3', 'l1 l2 l3 l4', '  ', '  ', 'xy'],
      cleanedColumns: [0, 1, 2, 3, 4],
    })
  })

  it('remove: drops every TAB, CR, LF and NUL', () => {
    const result = cleanRecord(['1\t2', 'l1\rl2\nl3\r\nl4', 'x\0y', 'same'], REMOVE)
    assert.deepEqual(result, { ok: true, values: ['12', 'l1l2l3l4', 'xy', 'same'], cleanedColumns: [0, 1, 2] })
  })

  it('reject: names the column and the character class, never the value', () => {
    const secret = 'Jane\tDoe'
    const tab = cleanRecord(['ok', secret], REJECT)
    assert.deepEqual(tab, { ok: false, column: 1, reason: 'contains a TAB at character 5 (cleaning policy tab: reject)' })
    assert.ok(!tab.ok && !tab.reason.includes('Jane') && !tab.reason.includes('Doe'))

    const crlf = cleanRecord(['12 Main St\r\nApt 4'], REJECT)
    assert.equal(crlf.ok, false)
    assert.ok(!crlf.ok && crlf.column === 0 && /line break/.test(crlf.reason) && crlf.reason.includes('character 11'))
    assert.ok(!crlf.ok && !crlf.reason.includes('Main'))

    const nul = cleanRecord(['a', 'b', 'c\0'], REJECT)
    assert.deepEqual(nul, { ok: false, column: 2, reason: 'contains a NUL character at character 2 (cleaning policy nul: reject)' })
  })

  it('applies each class its own action', () => {
    const mixed: CleaningPolicy = { tab: 'space', line_break: 'reject', nul: 'remove' }
    assert.deepEqual(cleanRecord(['a\tb\0'], mixed), { ok: true, values: ['a b'], cleanedColumns: [0] })
    const refused = cleanRecord(['a\tb', 'c\nd'], mixed)
    assert.equal(refused.ok, false)
    assert.ok(!refused.ok && refused.column === 1)
    const lone = cleanRecord(['only\rCR'], { tab: 'reject', line_break: 'remove', nul: 'reject' })
    assert.deepEqual(lone, { ok: true, values: ['onlyCR'], cleanedColumns: [0] })
  })

  it('takes one policy per column, with the default where none is given', () => {
    const result = cleanRecord(['a\tb', 'c\td', 'e\tf'], [REMOVE, undefined])
    assert.deepEqual(result, { ok: true, values: ['ab', 'c d', 'e f'], cleanedColumns: [0, 1, 2] })
    const refused = cleanRecord(['a\tb', 'c\td'], [SPACE, REJECT])
    assert.ok(!refused.ok && refused.column === 1)
  })

  it('does not change the input array', () => {
    const values = ['a\tb']
    cleanRecord(values, SPACE)
    assert.deepEqual(values, ['a\tb'])
  })
})
