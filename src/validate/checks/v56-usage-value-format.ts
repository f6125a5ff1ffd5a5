import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'
import { USAGE_VALUE_FORMAT } from '../value-formats.js'

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
    const value = row.field(state.column)
    if (value !== '' && !USAGE_VALUE_FORMAT.test(value)) {
      ctx.reportRow(row, line, state.column, `usage_value ${describeValue('usage_value', value)} is not a plain number like 1234.5`)
    }
  },
}
