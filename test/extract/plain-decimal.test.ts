import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Decimal } from 'decimal.js'
import type { ColumnRule, Mapping } from '../../src/config/mapping.js'
import { aggregateUsage } from '../../src/extract/aggregate-usage.js'
import { dayNumber, isCalendarDate } from '../../src/extract/calendar-date.js'
import { mapColumnValue } from '../../src/extract/map-column-value.js'
import { formatPlainDecimal, parsePlainDecimal } from '../../src/extract/plain-decimal.js'

// A seeded generator, so a failure names inputs that can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Decimal text of the shapes sources send, plus zeros, signs and long digit runs around rounding ties. */
function decimalTexts(count: number, seed: number): string[] {
  const next = random(seed)
  const digits = (n: number) => Array.from({ length: n }, () => '0123456789059'[Math.floor(next() * 13)]).join('')
  const texts = ['0', '-0', '0.0', '-0.000', '007', '-007.50', '0.005', '-0.005', '0.0049', '1.005', '-1.005', '999.995', '-999.995', '0.5', '9.9995', '123456789012345678901234567890.123456789']
  for (let i = 0; i < count; i++) {
    const sign = next() < 0.3 ? '-' : ''
    const whole = digits(1 + Math.floor(next() * 8))
    const fraction = next() < 0.2 ? '' : `.${digits(1 + Math.floor(next() * 7))}`
    texts.push(`${sign}${whole}${fraction}`)
  }
  return texts
}

const rule = (decimals: number | undefined): ColumnRule => ({
  name: 'usage_charge',
  source: { kind: 'sql', sql: 'x' },
  format: 'decimal',
  decimals,
  map: undefined,
  unmapped: 'keep',
  defaultValue: undefined,
  trim: true,
  letterCase: undefined,
})

describe('plain decimal arithmetic gives the text decimal.js gives', () => {
  it('formats every plain decimal like Decimal#toFixed, with and without places (half up)', () => {
    for (const text of decimalTexts(20_000, 1)) {
      const plain = parsePlainDecimal(text)
      assert.ok(plain, `${text} is plain`)
      const expected = new Decimal(text)
      assert.equal(formatPlainDecimal(plain, undefined), expected.toFixed(), `${text} toFixed()`)
      for (const places of [0, 2, 3]) {
        assert.equal(formatPlainDecimal(plain, places), expected.toFixed(places, Decimal.ROUND_HALF_UP), `${text} toFixed(${places})`)
      }
    }
  })

  it('leaves every other spelling to decimal.js, and mapColumnValue still maps it the same way', () => {
    for (const text of ['', '-', '+1', '.5', '5.', '-.5', '1e3', '1E-2', 'Infinity', '-Infinity', 'NaN', '0x1F', '1.2.3', ' 1', '１', '1'.repeat(80)]) {
      assert.equal(parsePlainDecimal(text), undefined, text)
    }
    assert.deepEqual(mapColumnValue(rule(2), '1e3'), { ok: true, value: '1000.00' })
    assert.deepEqual(mapColumnValue(rule(2), '.125'), { ok: true, value: '0.13' })
    assert.deepEqual(mapColumnValue(rule(2), 'abc'), { ok: false, reason: 'usage_charge: not a number' })
    assert.deepEqual(mapColumnValue(rule(2), 'Infinity'), { ok: false, reason: 'usage_charge: not a finite number' })
    assert.deepEqual(mapColumnValue(rule(undefined), ' -0012.3400 '), { ok: true, value: '-12.34' })
  })

  it('sums usage exactly like the decimal.js sum, for every net-metering policy', () => {
    const texts = decimalTexts(6_000, 2)
    const next = random(3)
    const usage = (netMetering: Mapping['usage']['netMetering'], decimals: number): Mapping['usage'] => ({
      quantity: 'q',
      unit: 'u',
      fuel: 'f',
      detailKey: undefined,
      netMetering,
      decimals,
      fuels: [{ name: 'gas', match: ['G'], unit: 'therm', units: new Map([['THERM', '1'], ['CCF', '1.037'], ['M3', '0.0353147']]), ignore: new Set(['KW']) }],
    })
    const D = Decimal.clone({ precision: 1_000 })
    const factors: Record<string, string> = { THERM: '1', CCF: '1.037', M3: '0.0353147' }
    for (let i = 0; i < texts.length; i += 3) {
      const rows = texts.slice(i, i + 1 + Math.floor(next() * 3)).map((quantity) => ({ quantity, unit: ['THERM', 'CCF', 'M3', 'KW'][Math.floor(next() * 4)]! }))
      for (const policy of ['net', 'delivered', 'exclude'] as const) {
        for (const decimals of [0, 3]) {
          for (const allowNegative of [false, true]) {
            // The reference: the decimal.js computation aggregateUsage made before it had a plain path.
            let total = new D(0)
            let counted = 0
            for (const row of rows) {
              if (row.unit === 'KW') continue
              const quantity = new D(row.quantity)
              if (policy === 'delivered' && quantity.isNegative()) continue
              total = total.plus(quantity.times(factors[row.unit]!))
              counted++
            }
            const result = aggregateUsage(usage(policy, decimals), allowNegative, 'G', rows)
            const what = `${JSON.stringify(rows)} ${policy} ${decimals} ${allowNegative}`
            if (counted === 0) assert.equal(result.kind, 'rejected', what)
            else if (total.isNegative() && !total.isZero() && (policy === 'exclude' || !allowNegative)) assert.notEqual(result.kind, 'value', what)
            else {
              const rounded = total.toDecimalPlaces(decimals, D.ROUND_HALF_UP)
              assert.equal(result.kind === 'value' ? result.value : result.kind, rounded.isZero() ? '0' : rounded.toFixed(), what)
            }
          }
        }
      }
    }
  })

  it('reads calendar dates in both spellings like Date.UTC does, whatever the year, month or day', () => {
    const reference = (value: string) => {
      const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value)
      if (!match) return false
      const [, y, m, d] = match.map(Number) as [number, number, number, number]
      const date = new Date(Date.UTC(y, m - 1, d))
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
    }
    const texts = ['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '0050-01-01', '0100-01-01', '2024-00-10', '2024-13-01', '2024-04-31', '2024-12-31', '2024-1-01', '20240101', '2024-0101', '202401-01', '2024/01/01', '2024-01-0a', 'abcdefgh', '']
    const next = random(4)
    for (let i = 0; i < 5_000; i++) {
      const y = String(Math.floor(next() * 10_000)).padStart(4, '0')
      const m = String(Math.floor(next() * 14)).padStart(2, '0')
      const d = String(Math.floor(next() * 33)).padStart(2, '0')
      texts.push(next() < 0.5 ? `${y}-${m}-${d}` : `${y}${m}${d}`)
    }
    for (const text of texts) {
      assert.equal(isCalendarDate(text), reference(text), text)
      if (reference(text)) {
        const digits = text.replaceAll('-', '')
        assert.equal(dayNumber(text), Date.UTC(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)) - 1, Number(digits.slice(6, 8))) / 86_400_000, text)
      }
    }
  })
})
