import type { Check } from '../check.js'
import { isCalendarDate } from '../value-formats.js'

interface DatesState {
  readonly active: number
  readonly inactive: number
}

/** V37: an account does not end before it starts. Malformed dates are V35's and V36's. */
export const v37ActiveBeforeInactive: Check<DatesState> = {
  id: 'V37',
  severity: 'error',
  title: 'active_date is not after inactive_date',
  columns: ['active_date', 'inactive_date'],
  init: (ctx) => ({ active: ctx.file.column('active_date'), inactive: ctx.file.column('inactive_date') }),
  onRow(row, line, ctx, state) {
    const inactive = row.field(state.inactive)
    if (inactive === '') return
    const active = row.field(state.active)
    // yyyymmdd strings order like the dates they write.
    if (active > inactive && isCalendarDate(active) && isCalendarDate(inactive)) {
      ctx.reportRow(row, line, state.inactive, `inactive_date ${inactive} is before active_date ${active}`)
    }
  },
}
