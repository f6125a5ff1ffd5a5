import type { Check } from '../check.js'
import { TEXT_CODEC, type EntityMap } from '../entity-map.js'

interface OrderState {
  readonly servicePoint: number
  readonly dateTo: number
  /** Latest `date_to` per service point already left behind; '' when it had no valid date yet. */
  readonly latest: EntityMap<string>
  current: string | undefined
  currentLatest: string
}

/**
 * V66: each service point's rows run in non-decreasing `date_to` order, and (so that "the last row
 * counts" means something) all rows of a service point are contiguous. Memory: one entry per distinct
 * service point. A malformed or empty `date_to` is V59's or V55's and is skipped here.
 */
export const v66ServicePointOrder: Check<OrderState> = {
  id: 'V66',
  severity: 'error',
  title: "Each service point's rows are contiguous and ordered by date_to",
  columns: ['service_point_id', 'date_to'],
  init: (ctx) => ({
    servicePoint: ctx.file.column('service_point_id'),
    dateTo: ctx.file.column('date_to'),
    latest: ctx.entityMap(TEXT_CODEC),
    current: undefined,
    currentLatest: '',
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    if (servicePoint === '') return
    if (servicePoint !== state.current) {
      if (state.current !== undefined) state.latest.set(state.current, state.currentLatest)
      const before = state.latest.get(servicePoint)
      if (before !== undefined) {
        ctx.report({ line, servicePointId: servicePoint, message: 'the service point\'s rows are not contiguous: it appeared earlier in the file' })
      }
      state.current = servicePoint
      state.currentLatest = before ?? ''
    }
    if (row.day(state.dateTo) < 0) return
    const dateTo = row.field(state.dateTo)
    if (dateTo < state.currentLatest) {
      ctx.reportRow(row, line, state.dateTo, `date_to ${dateTo} comes after a row with date_to ${state.currentLatest}`)
    } else {
      state.currentLatest = dateTo
    }
  },
}
