import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { exceedsWholeNumber, isCalendarDate, isDateTime14, isZeroNumber } from '../../src/validate/value-formats.js'

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
