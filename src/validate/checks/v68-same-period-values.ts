import type { Check } from '../check.js'
import { Row } from '../row.js'

interface SamePeriodState {
  readonly servicePoint: number
  readonly dateTo: number
  /** Compared: duration, usage_value and usage_charge (when present); `all` is every column. */
  readonly period: readonly number[]
  current: string | undefined
  currentDateTo: string | undefined
  /** The first `groupSize` entries are the group (entries past it are stale: resetting a length is slow). */
  readonly groupTexts: string[]
  readonly groupLines: number[]
  groupSize: number
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
    groupSize: 0,
    earlier: new Row(),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    const dateTo = row.field(state.dateTo)
    if (servicePoint !== state.current || dateTo !== state.currentDateTo) {
      state.current = servicePoint
      state.currentDateTo = dateTo
      state.groupTexts[0] = row.line
      state.groupLines[0] = line
      state.groupSize = 1
      return
    }
    // An exact repeat of a line is V65's.
    let repeat = false
    for (let k = 0; k < state.groupSize; k++) if (state.groupTexts[k] === row.line) repeat = true
    let same = -1
    for (let k = 0; k < state.groupSize && same < 0 && !repeat; k++) {
      state.earlier.reset(state.groupTexts[k] as string)
      if (state.period.every((i) => state.earlier.field(i) === row.field(i))) same = k
    }
    state.groupTexts[state.groupSize] = row.line
    state.groupLines[state.groupSize++] = line
    if (same >= 0) {
      ctx.report({ line, servicePointId: servicePoint, message: `the row repeats the period and values of line ${state.groupLines[same]}; send one row` })
    }
  },
}
