import type { Check } from '../check.js'
import { Row } from '../row.js'

interface SamePeriodState {
  readonly servicePoint: number
  readonly dateTo: number
  /** Compared: duration, usage_value and usage_charge (when present); `all` is every column. */
  readonly period: readonly number[]
  current: string | undefined
  currentDateTo: string | undefined
  readonly groupTexts: string[]
  readonly groupLines: number[]
  readonly earlier: Row
}

/**
 * V68: two rows of one service point for the same period (`date_to`, `duration`) with the same
 * `usage_value` and `usage_charge` should have been collapsed into one. Exact duplicates are V65's;
 * this is the near-duplicate (another column, such as `is_estimate`, differs). Memory: one read period.
 */
export const v68SamePeriodValues: Check<SamePeriodState> = {
  id: 'V68',
  severity: 'warning',
  title: 'Same-period rows with identical values are collapsed',
  columns: ['service_point_id', 'date_to', 'duration', 'usage_value'],
  init: (ctx) => ({
    servicePoint: ctx.file.column('service_point_id'),
    dateTo: ctx.file.column('date_to'),
    period: ['duration', 'usage_value', 'usage_charge'].map((name) => ctx.file.column(name)).filter((index) => index >= 0),
    current: undefined,
    currentDateTo: undefined,
    groupTexts: [],
    groupLines: [],
    earlier: new Row(),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    const dateTo = row.field(state.dateTo)
    if (servicePoint !== state.current || dateTo !== state.currentDateTo) {
      state.current = servicePoint
      state.currentDateTo = dateTo
      state.groupTexts.length = 0
      state.groupLines.length = 0
      state.groupTexts.push(row.line)
      state.groupLines.push(line)
      return
    }
    // An exact repeat of a line is V65's.
    const repeat = state.groupTexts.includes(row.line)
    const same = repeat
      ? -1
      : state.groupTexts.findIndex((text) => {
          state.earlier.reset(text)
          return state.period.every((i) => state.earlier.field(i) === row.field(i))
        })
    state.groupTexts.push(row.line)
    state.groupLines.push(line)
    if (same >= 0) {
      ctx.report({ line, servicePointId: servicePoint, message: `the row repeats the period and values of line ${state.groupLines[same]}; send one row` })
    }
  },
}
