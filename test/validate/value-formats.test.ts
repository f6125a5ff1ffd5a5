import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  dayText,
  exceedsWholeNumber,
  isCalendarDate,
  isDateTime14,
  isDecimalAt,
  isZeroNumber,
  positiveIntegerAt,
  USAGE_CHARGE_FORMAT,
  USAGE_VALUE_FORMAT,
} from '../../src/validate/value-formats.js'

describe('isCalendarDate', () => {
  it('accepts real yyyymmdd dates, leap days included', () => {
    for (const date of ['20220131', '20240229', '20000229', '19991231', '20221130']) assert.equal(isCalendarDate(date), true, date)
  })
  it('rejects impossible days, other shapes and separators', () => {
    for (const date of ['20230229', '19000229', '20220230', '20221131', '20221301', '20220001', '20220100', '2022-01-31', '2022131', '202201310', '2022013a', ''])
      assert.equal(isCalendarDate(date), false, date)
  })
})

describe('isDateTime14', () => {
  it('checks the clock on a 24-hour basis', () => {
    assert.equal(isDateTime14('20220411093000'), true)
    assert.equal(isDateTime14('20221231235959'), true)
    for (const stamp of ['20220411240000', '20220411096000', '20220411093060', '20220431093000', '2022041109300'])
      assert.equal(isDateTime14(stamp), false, stamp)
  })
})

describe('exceedsWholeNumber', () => {
  it('compares as text so that no fraction rounds away', () => {
    const max = 999999999
    for (const value of ['1000000000', '999999999.01', '999999999.0000000001', '0001000000000']) assert.equal(exceedsWholeNumber(value, max), true, value)
    for (const value of ['999999999', '999999999.000', '000999999999', '12.5', '-99999999999']) assert.equal(exceedsWholeNumber(value, max), false, value)
  })
})

describe('isZeroNumber', () => {
  it('treats 0, -0 and 0.00 as zero', () => {
    for (const value of ['0', '-0', '0.00', '000']) assert.equal(isZeroNumber(value), true, value)
    for (const value of ['0.01', '10', '-1']) assert.equal(isZeroNumber(value), false, value)
  })
})

/** Every string of up to `length` characters from `alphabet` (the empty string included). */
function stringsOf(alphabet: readonly string[], length: number): string[] {
  let level = ['']
  const all = ['']
  for (let size = 1; size <= length; size++) {
    level = level.flatMap((prefix) => alphabet.map((c) => prefix + c))
    all.push(...level)
  }
  return all
}

// The in-place readers must judge exactly like the regexes and Number they stand in for.
describe('isDecimalAt and positiveIntegerAt', () => {
  const samples = [...stringsOf(['0', '1', '9', '-', '.', 'e', ' ', '\uff15'], 5), '1234567890123456789', '123456789012345', '99999999999999999999']
  it('read a field inside a line like USAGE_VALUE_FORMAT and USAGE_CHARGE_FORMAT', () => {
    for (const value of samples) {
      const line = `x\t${value}\ty`
      assert.equal(isDecimalAt(line, 2, 2 + value.length, Infinity), USAGE_VALUE_FORMAT.test(value), JSON.stringify(value))
      assert.equal(isDecimalAt(line, 2, 2 + value.length, 2), USAGE_CHARGE_FORMAT.test(value), JSON.stringify(value))
    }
  })
  it('read a positive whole number like /^[1-9]\\d*$/ and Number', () => {
    for (const value of samples) {
      const expected = /^[1-9]\d*$/.test(value) ? Number(value) : -1
      assert.equal(positiveIntegerAt(`x\t${value}\ty`, 2, 2 + value.length), expected, JSON.stringify(value))
    }
  })
})

describe('dayText', () => {
  it('spells every day like Date.toISOString, inside and outside years 0-9999', () => {
    const viaDate = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
    for (let day = -720_000; day <= 2_933_000; day += 7) assert.equal(dayText(day), viaDate(day), String(day))
    for (const day of [-719_528, -719_529, 0, 2_932_896, 2_932_897, 19_782]) assert.equal(dayText(day), viaDate(day), String(day))
  })
})
