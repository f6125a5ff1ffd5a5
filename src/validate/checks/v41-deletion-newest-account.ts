import type { Check, CheckContext } from '../check.js'
import { ownString } from '../row.js'

const FLAGS = new Set(['true', '1', 't'])

interface NewestState {
  readonly servicePoint: number
  readonly account: number
  readonly active: number
  readonly flag: number
  current: string | undefined
  latestActive: string
  readonly flagged: { readonly account: string; readonly active: string; readonly line: number }[]
}

/**
 * V41: a deletion flag sits only on the newest account of its service point (no other account of it has
 * a later `active_date`). Judged per run of rows of one service point (V66 keeps them together).
 */
export const v41DeletionNewestAccount: Check<NewestState> = {
  id: 'V41',
  severity: 'error',
  title: 'A deletion flag is only on the newest account of its service point',
  columns: ['service_point_id', 'account_id', 'active_date', 'is_account_deletion'],
  init: (ctx) => ({
    servicePoint: ctx.file.column('service_point_id'),
    account: ctx.file.column('account_id'),
    active: ctx.file.column('active_date'),
    flag: ctx.file.column('is_account_deletion'),
    current: undefined,
    latestActive: '',
    flagged: [],
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    if (servicePoint !== state.current) {
      finish(ctx, state)
      state.current = ownString(servicePoint)
    }
    // day() is the row's shared parse of the date: >= 0 exactly when it is a real yyyymmdd date.
    if (row.day(state.active) < 0) return
    const active = row.field(state.active)
    if (active > state.latestActive) state.latestActive = active
    if (row.end(state.flag) > row.start(state.flag) && FLAGS.has(row.field(state.flag))) state.flagged.push({ account: ownString(row.field(state.account)), active, line })
  },
  onEnd: (ctx, state) => finish(ctx, state),
}

function finish(ctx: CheckContext, state: NewestState): void {
  for (const flagged of state.flagged) {
    if (flagged.active < state.latestActive) {
      ctx.report({
        line: flagged.line,
        ...(state.current ? { servicePointId: state.current } : {}),
        message: `account ${flagged.account} (active ${flagged.active}) carries a deletion flag, but an account of the service point started later (${state.latestActive})`,
      })
    }
  }
  if (state.flagged.length > 0) state.flagged.length = 0
  state.latestActive = ''
}
