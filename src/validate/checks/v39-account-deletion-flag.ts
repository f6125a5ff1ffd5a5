import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'

const ALLOWED = new Set(['', 'true', '1', 't'])

interface FlagState {
  readonly column: number
}

/** V39: `is_account_deletion` is empty or exactly `true`, `1` or `t`. */
export const v39AccountDeletionFlag: Check<FlagState> = {
  id: 'V39',
  severity: 'error',
  title: 'is_account_deletion is empty, true, 1 or t',
  columns: ['is_account_deletion'],
  init: (ctx) => ({ column: ctx.file.column('is_account_deletion') }),
  onRow(row, line, ctx, state) {
    // Empty (allowed) on almost every row: known from the field's bounds, without a lookup.
    if (row.end(state.column) === row.start(state.column)) return
    const value = row.field(state.column)
    if (!ALLOWED.has(value)) {
      ctx.reportRow(row, line, state.column, `is_account_deletion ${describeValue('is_account_deletion', value)} is not empty, true, 1 or t`)
    }
  },
}
