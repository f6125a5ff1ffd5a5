import type { Check, CheckContext } from '../check.js'
import { ownString } from '../row.js'
import { accountIntervalColumns, accountIntervalOf, describeInterval, type AccountInterval, type AccountIntervalColumns } from './account-interval.js'

interface TenancyState {
  readonly columns: AccountIntervalColumns
  readonly servicePoint: number
  current: string | undefined
  readonly intervals: AccountInterval[]
}

/**
 * V77: per service point, accounts follow one another: each move-in's `active_date` is on or after the
 * previous account's `inactive_date`, and every account but the latest has an `inactive_date`. Judged
 * per run of the service point's rows (V66 keeps them together).
 */
export const v77ServicePointTenancy: Check<TenancyState> = {
  id: 'V77',
  severity: 'error',
  title: "A service point's accounts do not overlap",
  columns: ['service_point_id', 'account_id', 'active_date', 'inactive_date'],
  init: (ctx) => ({
    columns: accountIntervalColumns(ctx.file),
    servicePoint: ctx.file.column('service_point_id'),
    current: undefined,
    intervals: [],
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    if (servicePoint !== state.current) {
      finish(ctx, state)
      state.current = ownString(servicePoint)
    }
    const account = row.field(state.columns.account)
    const intervals = state.intervals
    for (let k = 0; k < intervals.length; k++) if ((intervals[k] as AccountInterval).account === account) return
    const interval = accountIntervalOf(row, line, state.columns)
    if (interval !== undefined) state.intervals.push({ ...interval, account: ownString(account) })
  },
  onEnd: (ctx, state) => finish(ctx, state),
}

function finish(ctx: CheckContext, state: TenancyState): void {
  const intervals = state.intervals.sort((a, b) => a.active - b.active)
  for (let i = 1; i < intervals.length; i++) {
    const before = intervals[i - 1] as AccountInterval
    const after = intervals[i] as AccountInterval
    const servicePointId = state.current ?? ''
    if (before.inactive === Infinity) {
      ctx.report({ line: before.line, servicePointId, message: `${describeInterval(before)} has no inactive_date, but ${describeInterval(after)} moved in later` })
    } else if (after.active < before.inactive) {
      ctx.report({ line: after.line, servicePointId, message: `${describeInterval(after)} starts before ${describeInterval(before)} ended` })
    }
  }
  state.intervals.length = 0
}
