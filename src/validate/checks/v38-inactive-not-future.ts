import type { Check } from '../check.js'
import { isCalendarDate } from '../value-formats.js'

interface InactiveState {
  readonly column: number
}

/** V38: `inactive_date` is not after the utility's today: it marks an actual termination, not a planned one. */
export const v38InactiveNotFuture: Check<InactiveState> = {
  id: 'V38',
  severity: 'warning',
  title: 'inactive_date is not in the future',
  columns: ['inactive_date'],
  init: (ctx) => ({ column: ctx.file.column('inactive_date') }),
  onRow(row, line, ctx, state) {
    const value = row.field(state.column)
    if (value !== '' && value > ctx.options.today && isCalendarDate(value)) {
      ctx.reportRow(row, line, state.column, `inactive_date ${value} is after today (${ctx.options.today}); send it once the account has closed`)
    }
  },
}
