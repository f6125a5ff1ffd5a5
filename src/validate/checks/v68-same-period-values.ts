import type { Check } from '../check.js'
import { ReadPeriodGroup } from '../read-period-group.js'

interface SamePeriodState {
  readonly servicePoint: number
  readonly dateTo: number
  /** Compared: duration, usage_value and usage_charge (when present). */
  readonly compared: readonly number[]
  readonly period: ReadPeriodGroup
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
    compared: ['duration', 'usage_value', 'usage_charge'].map((name) => ctx.file.column(name)).filter((index) => index >= 0),
    period: new ReadPeriodGroup(),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    if (state.period.startsNew(servicePoint, row.field(state.dateTo), row, line)) return
    // An exact repeat of a line is V65's.
    const same = state.period.holdsLine(row.line) ? undefined : state.period.sameIn(row, state.compared)
    state.period.add(row, line)
    if (same !== undefined) {
      ctx.report({ line, servicePointId: servicePoint, message: `the row repeats the period and values of line ${same}; send one row` })
    }
  },
}
