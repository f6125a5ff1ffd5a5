import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'

const POSITIVE_INTEGER = /^[1-9]\d*$/

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
    const value = row.field(state.column)
    if (value !== '' && !POSITIVE_INTEGER.test(value)) {
      ctx.reportRow(row, line, state.column, `duration ${describeValue('duration', value)} is not a positive whole number of days`)
    }
  },
}
