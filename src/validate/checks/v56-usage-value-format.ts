import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'
import { isDecimalAt } from '../value-formats.js'

interface UsageState {
  readonly column: number
}

/** V56: `usage_value` is a plain decimal: no commas, thousands separators, exponent, currency or unit. */
export const v56UsageValueFormat: Check<UsageState> = {
  id: 'V56',
  severity: 'error',
  title: 'usage_value is a plain decimal number',
  columns: ['usage_value'],
  init: (ctx) => ({ column: ctx.file.column('usage_value') }),
  onRow(row, line, ctx, state) {
    const start = row.start(state.column)
    const end = row.end(state.column)
    // USAGE_VALUE_FORMAT, read in place.
    if (end === start || isDecimalAt(row.line, start, end, Infinity)) return
    const value = row.field(state.column)
    ctx.reportRow(row, line, state.column, `usage_value ${describeValue('usage_value', value)} is not a plain number like 1234.5`)
  },
}
