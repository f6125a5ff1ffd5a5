import { Decimal } from 'decimal.js'

/**
 * Turns a driver value into the text the toolkit works with. Numbers become exact decimal text (never
 * exponent notation), bigints their digits, buffers UTF-8 text. Dates should not arrive here: dates are
 * formatted in SQL; a Date object means a mapping expression slipped through unformatted.
 */
export function toSourceText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : new Decimal(value).toFixed()
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (value instanceof Date) return value.toISOString()
  return String(value)
}
