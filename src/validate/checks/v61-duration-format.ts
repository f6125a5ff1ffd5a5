import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'
import { positiveIntegerAt } from '../value-formats.js'

interface DurationState {
  readonly column: number
}

/** V61: `duration` is a positive whole number of days (an empty one is V55's). */
export const v61DurationFormat: Check<DurationState> = {
  id: 'V61',
  severity: 'error',
  title: 'duration is a positive integer',
  columns: ['duration'],
  init: (ctx) => ({ column: ctx.file.column('duration') }),
  onRow(row, line, ctx, state) {
    const start = row.start(state.column)
    const end = row.end(state.column)
    if (end === start || positiveIntegerAt(row.line, start, end) > 0) return
    const value = row.field(state.column)
    ctx.reportRow(row, line, state.column, `duration ${describeValue('duration', value)} is not a positive whole number of days`)
  },
}
