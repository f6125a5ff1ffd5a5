import { Decimal } from 'decimal.js'
import type { ColumnRule } from '../config/mapping.js'
import { formatPlainDecimal, parsePlainDecimal } from './plain-decimal.js'

export type MappedValue = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string }

/** Why a column's source text has no spec value (see mapColumnText). */
export class ColumnRefusal {
  constructor(readonly reason: string) {}
}

/**
 * Turns a column's source text into its spec value: trim, default for empty, value map, letter case and
 * number format. Reasons name the column and the rule, never the value (it may be personal data), except
 * for value-map misses of short codes, which are what a mapping author needs to see.
 */
export function mapColumnValue(rule: ColumnRule, source: string | null): MappedValue {
  const mapped = mapColumnText(rule, source)
  return typeof mapped === 'string' ? { ok: true, value: mapped } : { ok: false, reason: mapped.reason }
}

/**
 * `mapColumnValue` for the extract's inner loop: the value itself, or a refusal. It runs for every column
 * of every read; with a result object per column, mapping allocated about 2 KB per read.
 */
export function mapColumnText(rule: ColumnRule, source: string | null): string | ColumnRefusal {
  let value = source ?? ''
  if (rule.trim) value = value.trim()
  if (value === '') return rule.defaultValue ?? ''
  if (rule.map) {
    const mapped = rule.map.get(value)
    if (mapped !== undefined) value = mapped
    else if (rule.unmapped === 'default') value = rule.defaultValue ?? ''
    else if (rule.unmapped === 'reject') {
      const shown = value.length <= 12 ? ` "${value}"` : ''
      return new ColumnRefusal(`${rule.name}: source value${shown} is not in the value map`)
    }
  }
  if (rule.letterCase === 'upper') value = value.toUpperCase()
  else if (rule.letterCase === 'lower') value = value.toLowerCase()
  if (rule.format === 'decimal') return formatDecimal(rule, value)
  if (rule.format === 'integer') {
    return /^-?\d+$/.test(value) ? value.replace(/^(-?)0+(?=\d)/, '$1') : new ColumnRefusal(`${rule.name}: not an integer`)
  }
  return value
}

function formatDecimal(rule: ColumnRule, value: string): string | ColumnRefusal {
  const plain = parsePlainDecimal(value)
  if (plain) return formatPlainDecimal(plain, rule.decimals)
  let number: Decimal
  try {
    number = new Decimal(value)
  } catch {
    return new ColumnRefusal(`${rule.name}: not a number`)
  }
  if (!number.isFinite()) return new ColumnRefusal(`${rule.name}: not a finite number`)
  return rule.decimals === undefined ? number.toFixed() : number.toFixed(rule.decimals, Decimal.ROUND_HALF_UP)
}
