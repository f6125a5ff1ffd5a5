import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  MICROS_PER_DAY,
  dateText,
  dayOf,
  microsAt,
  timestampText,
} from '../../src/demo/demo-calendar.js'
import { civilFromDays } from '../../src/platform/civil-days.js'

describe('demo-calendar', () => {
  it('agrees with the UTC calendar for every day from 1900 to 2100', () => {
    const first = dayOf('1900-01-01') ?? 0
    const last = dayOf('2100-12-31') ?? 0
    assert.equal(last - first + 1, 73_414)
    for (let day = first; day <= last; day += 1) {
      const expected = new Date(day * 86_400_000).toISOString().slice(0, 10)
      assert.equal(dateText(day), expected)
      assert.equal(dayOf(expected), day)
    }
    assert.deepEqual(civilFromDays(dayOf('2024-02-29') ?? 0), { year: 2024, month: 2, day: 29 })
  })

  it('refuses texts that are not calendar dates', () => {
    for (const text of ['2025-02-29', '2024-13-01', '2024-00-10', '2024-1-01', '20240101', '2024-01-01T00:00', '']) {
      assert.equal(dayOf(text), undefined, text)
    }
  })

  it('writes timestamps with six fractional digits, never rounding into the next second', () => {
    const day = dayOf('2025-03-04') ?? 0
    assert.equal(timestampText(microsAt(day, 17, 22, 9, 123_456)), '2025-03-04 17:22:09.123456')
    assert.equal(timestampText(microsAt(day)), '2025-03-04 00:00:00.000000')
    assert.equal(timestampText((day + 1) * MICROS_PER_DAY - 1), '2025-03-04 23:59:59.999999')
  })
})
