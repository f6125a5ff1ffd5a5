import type { Check } from '../check.js'

interface CcbState {
  readonly column: number
  readonly required: boolean
}

/** V30: `ccb_account_id` is non-empty on every row when the utility runs Oracle CC&B (`usesOracleCcb`). */
export const v30CcbAccountId: Check<CcbState> = {
  id: 'V30',
  severity: 'error',
  title: 'ccb_account_id is non-empty (Oracle CC&B utilities)',
  columns: ['ccb_account_id'],
  init: (ctx) => ({ column: ctx.file.column('ccb_account_id'), required: ctx.options.usesOracleCcb }),
  onRow(row, line, ctx, state) {
    if (state.required && row.end(state.column) === row.start(state.column)) {
      ctx.reportRow(row, line, state.column, 'ccb_account_id is empty; it is required because the utility runs Oracle CC&B')
    }
  },
}
