import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'

interface DateState {
  readonly column: number
}

/**
 * A rule of the form "this column is a real `yyyymmdd` date" (V35, V36, V59). An empty value is reported
 * only when `emptyIsError` (V35 owns "active_date is non-empty"; V55 owns it for `date_to`).
 */
export function dateCheck(spec: {
  readonly id: string
  readonly title: string
  readonly column: string
  readonly emptyIsError: boolean
}): Check<DateState> {
  const name = spec.column
  return {
    id: spec.id,
    severity: 'error',
    title: spec.title,
    columns: [name],
    init: (ctx) => ({ column: ctx.file.column(name) }),
    onRow(row, line, ctx, state) {
      if (row.day(state.column) >= 0) return
      const value = row.field(state.column)
      if (value === '') {
        if (spec.emptyIsError) ctx.reportRow(row, line, state.column, `${name} is empty`)
        return
      }
      {
        ctx.reportRow(row, line, state.column, `${name} ${describeValue(name, value)} is not a real date written yyyymmdd`)
      }
    },
  }
}
