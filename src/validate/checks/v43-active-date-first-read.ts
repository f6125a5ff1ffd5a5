import type { Check } from '../check.js'
import { ownString } from '../row.js'
import { dayNumber, dayText, positiveIntegerAt } from '../value-formats.js'
import { NUMBER_CODEC, type EntityMap } from '../entity-map.js'

// One number per account: the active day and the earliest read's start day, packed (days < 2^20).
const SHIFT = 2 ** 20

interface FirstReadState {
  readonly account: number
  readonly active: number
  readonly dateTo: number
  readonly duration: number
  readonly accounts: EntityMap<number>
  /** A row whose account or read cannot be read: some account's earliest read is unknown. */
  disturbed: boolean
  lastAccount: string
  lastStart: number
}

/**
 * V43: `active_date` equals the start (`date_to − duration`) of the account's earliest read, within
 * `activeDateToleranceDays`. Memory: one number per account. Reported at the end, one finding per account.
 * It sees every line (`wholeLine`): a file with a row it cannot read (wrong width, malformed date or
 * duration, a repeated header) is not judged, since the lost row may be the earliest read; those rows
 * are the other rules' findings.
 */
export const v43ActiveDateFirstRead: Check<FirstReadState> = {
  id: 'V43',
  severity: 'warning',
  title: "active_date is the start of the account's earliest read",
  columns: ['account_id', 'active_date', 'date_to', 'duration'],
  wholeLine: true,
  init: (ctx) => {
    // An incremental holds the changed reads only, rarely an account's first one.
    if (ctx.options.phase === 'incremental') ctx.skip("an incremental file does not hold each account's earliest read")
    return {
      account: ctx.file.column('account_id'),
      active: ctx.file.column('active_date'),
      dateTo: ctx.file.column('date_to'),
      duration: ctx.file.column('duration'),
      accounts: ctx.entityMap(NUMBER_CODEC),
      disturbed: false,
      lastAccount: '',
      lastStart: 0,
    }
  },
  onRow(row, _line, ctx, state) {
    if (row.length !== ctx.file.header.length) {
      state.disturbed = true
      return
    }
    const account = row.field(state.account)
    const active = row.day(state.active)
    const dayTo = row.day(state.dateTo)
    const duration = positiveIntegerAt(row.line, row.start(state.duration), row.end(state.duration))
    if (account === '' || active < 0 || dayTo < 0 || duration < 0) {
      state.disturbed = true
      return
    }
    // Rows run in date_to order per service point, so an account's next row rarely starts earlier.
    const start = dayTo - duration
    if (account === state.lastAccount && start >= state.lastStart) return
    state.lastAccount = account
    state.lastStart = start
    const before = state.accounts.get(account)
    if (before === undefined) state.accounts.set(ownString(account), active * SHIFT + start)
    else if (start < before % SHIFT) state.accounts.set(account, before - (before % SHIFT) + start)
  },
  onEnd(ctx, state) {
    if (state.disturbed) return
    const tolerance = ctx.options.activeDateToleranceDays
    // An account active before the history starts has its earliest reads before the file's first one.
    const historyStart = ctx.options.historyStart === undefined ? -Infinity : dayNumber(ctx.options.historyStart)
    for (const [account, packed] of state.accounts.entries()) {
      const active = Math.floor(packed / SHIFT)
      const start = packed % SHIFT
      if (active >= historyStart && Math.abs(active - start) > tolerance) {
        ctx.report({ message: `account ${account}: active_date ${dayText(active)}, but its earliest read starts ${dayText(start)}` })
      }
    }
  },
}
