/**
 * Columns whose values may be quoted in a report: identifiers, dates, numbers and codes. Everything else
 * (names, mailing and service addresses, unknown template columns) may identify a person, so reports
 * describe such a value by its shape, never its text (DESIGN.md: no personal data in reports).
 */
const QUOTABLE = new Set([
  'active_date',
  'inactive_date',
  'is_account_deletion',
  'read_cycle',
  'customer_type',
  'service_state',
  'meter_type',
  'meter_unit',
  'bldg_sq_foot',
  'usage_value',
  'date_to',
  'duration',
  'is_estimate',
  'usage_charge',
])

const MAX_QUOTED = 40

/** Whether a value of this column may appear in a report. */
export function isQuotable(column: string): boolean {
  return column.endsWith('_id') || QUOTABLE.has(column)
}

/** The value quoted (JSON-style, so whitespace shows) when the column allows it, else its length. */
export function describeValue(column: string, value: string): string {
  if (!isQuotable(column)) return `a value of ${value.length} character${value.length === 1 ? '' : 's'}`
  const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value
  return JSON.stringify(shown)
}
