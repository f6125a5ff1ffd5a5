import type { Check } from '../check.js'
import { isCalendarDate } from '../value-formats.js'

interface RangeState {
  readonly column: number
}

/** V60: `date_to` is not after the utility's today, nor before the agreed history start (when configured). */
export const v60DateToRange: Check<RangeState> = {
  id: 'V60',
  severity: 'warning',
  title: 'date_to is not in the future nor before the history start',
  columns: ['date_to'],
  init: (ctx) => ({ column: ctx.file.column('date_to') }),
  onRow(row, line, ctx, state) {
    const value = row.field(state.column)
    const { today, historyStart } = ctx.options
    if (value > today && isCalendarDate(value)) {
      ctx.reportRow(row, line, state.column, `date_to ${value} is after today (${today})`)
    } else if (historyStart !== undefined && value !== '' && value < historyStart && isCalendarDate(value)) {
      ctx.reportRow(row, line, state.column, `date_to ${value} is before the history start ${historyStart}`)
    }
  },
}
