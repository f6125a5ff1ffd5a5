import type { Check } from '../check.js'

/** Required columns that a specific rule already checks for emptiness; V33 leaves them to it. */
export const REQUIRED_OWNED_ELSEWHERE: ReadonlySet<string> = new Set([
  'customer_id', // V28
  'premise_id', // V29
  'account_id', // V34
  'active_date', // V35
  'service_point_id', // V45, V55
  'service_house_number', // V45
  'service_street_name', // V45
  'service_city', // V45
  'service_state', // V45
  'usage_value', // V55
  'date_to', // V55
  'duration', // V55
  'is_estimate', // V55
])

interface RequiredState {
  readonly columns: readonly number[]
}

/**
 * V33: every column the expected spec marks required is non-empty: the generic rule for columns that
 * have no rule of their own (tail columns confirmed by the Delivery Team's template).
 */
export const v33RequiredColumns: Check<RequiredState> = {
  id: 'V33',
  severity: 'error',
  title: 'Required columns are non-empty',
  init(ctx) {
    const spec = ctx.file.expected
    if (spec === undefined) ctx.skip('the file type is unknown, so which columns are required is unknown')
    const names = (spec?.columns ?? []).filter((c) => c.required && !REQUIRED_OWNED_ELSEWHERE.has(c.name)).map((c) => c.name)
    return { columns: names.map((name) => ctx.file.column(name)).filter((index) => index >= 0) }
  },
  onRow(row, line, ctx, state) {
    for (const column of state.columns) {
      if (row.end(column) === row.start(column)) ctx.reportRow(row, line, column, `${ctx.file.header[column] ?? 'the value'} is required but empty`)
    }
  },
}
