import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Row } from '../../src/validate/row.js'
import { UsageHistogram } from '../../src/validate/usage-histogram.js'
import { dayNumber } from '../../src/validate/value-formats.js'

describe('Row', () => {
  it('reads a field as a number exactly like Number, -0 and long or odd values included', () => {
    const row = new Row()
    const values = ['', '0', '-0', '-0.00', '602.194', '0.1', '0.3', '00012.50', '123456789012345', '1234567890123456', '999999999.999999']
    values.push('0.000000000000001', '.5', '5.', '1e3', '0x10', 'Infinity', ' 1', '1,5', '-', '.', 'abc')
    for (let i = 0; i < 2000; i++) values.push(((i * 7919) % 100_003) / 10 ** (i % 7) + '')
    for (const value of values) {
      row.reset(`a\t${value}\tb`)
      assert.ok(Object.is(row.number(1), Number(value)), JSON.stringify(value))
      assert.ok(Object.is(row.number(1), Number(value)), 'cached')
    }
  })
  it('cuts fields like split on TAB, empty ones and a line without TAB included', () => {
    const row = new Row()
    for (const line of ['a\t\tc', '', 'x', '\t', 'ab\tcd\t', Array.from({ length: 100 }, (_, i) => `f${i}`).join('\t')]) {
      row.reset(line)
      assert.deepEqual(row.fields(), line.split('\t'), JSON.stringify(line))
      assert.equal(row.length, line.split('\t').length)
      assert.equal(row.field(row.length), '')
    }
  })

  it('reads real yyyymmdd dates as day numbers and everything else as -1', () => {
    const row = new Row()
    row.reset('19700101\t20240229\t20230229\t20221301\t2022-01-01\t\t20220131')
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((i) => row.day(i)), [0, 19782, -1, -1, -1, -1, 19023])
    assert.equal(dayNumber('20220131'), Date.UTC(2022, 0, 31) / 86_400_000)
    assert.equal(dayNumber('19000301'), Date.UTC(1900, 2, 1) / 86_400_000)
  })
})

describe('UsageHistogram', () => {
  it('gives percentiles to within one bin (12 %) in fixed memory', () => {
    const histogram = new UsageHistogram()
    for (let i = 1; i <= 10_000; i++) histogram.add(i)
    histogram.add(-5)
    for (const [q, exact] of [[0.5, 5000], [0.9, 9000], [0.99, 9900]] as const) {
      const estimate = histogram.percentile(q)
      assert.ok(estimate >= exact && estimate <= exact * 1.13, `${q}: ${estimate}`)
    }
    assert.equal(histogram.negative, 1)
    assert.equal(histogram.max, 10_000)
    assert.equal(histogram.countAbove(20_000), 0)
  })
})
