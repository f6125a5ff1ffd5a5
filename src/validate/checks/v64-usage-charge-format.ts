import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'
import { isDecimalAt } from '../value-formats.js'

interface ChargeState {
  readonly column: number
}

/** V64: a non-empty `usage_charge` is an amount with at most two decimals, no commas or currency symbol. */
export const v64UsageChargeFormat: Check<ChargeState> = {
  id: 'V64',
  severity: 'error',
  title: 'usage_charge is an amount like 123.45',
  columns: ['usage_charge'],
  init: (ctx) => ({ column: ctx.file.column('usage_charge') }),
  onRow(row, line, ctx, state) {
    const start = row.start(state.column)
    const end = row.end(state.column)
    // USAGE_CHARGE_FORMAT, read in place.
    if (end === start || isDecimalAt(row.line, start, end, 2)) return
    const value = row.field(state.column)
    ctx.reportRow(row, line, state.column, `usage_charge ${describeValue('usage_charge', value)} is not an amount like 123.45`)
  },
}
