import type { Check } from '../check.js'
import { ownString } from '../row.js'
import { isCalendarDate } from '../value-formats.js'
import { TEXT_CODEC, type EntityMap } from '../entity-map.js'

interface StableState {
  readonly account: number
  readonly active: number
  readonly seen: EntityMap<string>
  lastAccount: string
  lastActive: string
}

/**
 * V42, within the file: one `account_id` has the same `active_date` on every row. (Against the value
 * accepted earlier it needs the workspace state: the continuity checks passed to `validateFile` own that.)
 * Malformed dates are V35's.
 * Memory: one entry per account; a row of the same account as the row before costs one comparison.
 */
export const v42ActiveDateStable: Check<StableState> = {
  id: 'V42',
  severity: 'error',
  title: 'An account has one active_date',
  columns: ['account_id', 'active_date'],
  init: (ctx) => ({ account: ctx.file.column('account_id'), active: ctx.file.column('active_date'), seen: ctx.entityMap(TEXT_CODEC), lastAccount: '', lastActive: '' }),
  onRow(row, line, ctx, state) {
    const account = row.field(state.account)
    const active = row.field(state.active)
    if (account === state.lastAccount && active === state.lastActive) return
    // An empty account or a malformed date is V34's or V35's.
    if (account === '' || !isCalendarDate(active)) return
    state.lastAccount = account
    state.lastActive = active
    const before = state.seen.get(account)
    if (before === undefined) {
      state.seen.set(ownString(account), active)
    } else if (before !== active) {
      ctx.reportRow(row, line, state.active, `account ${account} has active_date ${active} here and ${before} on an earlier row`)
    }
  },
}
