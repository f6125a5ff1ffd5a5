import type { Check } from '../check.js'
import { ownString } from '../row.js'
import { accountIntervalColumns, accountIntervalOf, describeInterval, type AccountInterval, type AccountIntervalColumns } from './account-interval.js'
import type { EntityCodec, EntityMap } from '../entity-map.js'

/** Intervals as JSON; an open interval's Infinity is written as null and read back as Infinity. */
const INTERVALS: EntityCodec<AccountInterval | AccountInterval[]> = {
  encode: (value) => JSON.stringify(value),
  decode: (text) => JSON.parse(text, (key, value: unknown) => (key === 'inactive' && value === null ? Infinity : value)) as AccountInterval | AccountInterval[],
}

interface TenancyState {
  readonly columns: AccountIntervalColumns
  readonly premise: number
  /** Per premise, each account's interval (its first valid row); a single one is kept without an array. */
  readonly premises: EntityMap<AccountInterval | AccountInterval[]>
  lastAccount: string
}

/**
 * V76: one customer per premise at a time: the activity intervals of accounts held by different
 * customers at one premise do not overlap (half-open, so a move-in on the move-out day is fine).
 * Memory: one interval per account. Judged at the end.
 */
export const v76OneCustomerPerPremise: Check<TenancyState> = {
  id: 'V76',
  severity: 'error',
  title: 'One customer per premise at a time',
  columns: ['premise_id', 'customer_id', 'account_id', 'active_date', 'inactive_date'],
  init: (ctx) => ({
    columns: accountIntervalColumns(ctx.file),
    premise: ctx.file.column('premise_id'),
    premises: ctx.entityMap(INTERVALS),
    lastAccount: '',
  }),
  onRow(row, line, _ctx, state) {
    const account = row.field(state.columns.account)
    if (account === state.lastAccount) return
    const premise = row.field(state.premise)
    const interval = accountIntervalOf(row, line, state.columns)
    if (premise === '' || interval === undefined || interval.customer === '') return
    state.lastAccount = account
    const kept: AccountInterval = { ...interval, account: ownString(account), customer: ownString(interval.customer) }
    const before = state.premises.get(premise)
    if (before === undefined) state.premises.set(ownString(premise), kept)
    else if (!Array.isArray(before)) {
      if (before.account !== account) state.premises.set(premise, [before, kept])
    } else if (!before.some((other) => other.account === account)) {
      before.push(kept)
      // Set again: once the map is on disk, `before` is a copy.
      state.premises.set(premise, before)
    }
  },
  onEnd(ctx, state) {
    for (const [premise, intervals] of state.premises.entries()) {
      if (!Array.isArray(intervals)) continue
      for (let i = 0; i < intervals.length; i++) {
        for (let j = i + 1; j < intervals.length; j++) {
          const a = intervals[i] as AccountInterval
          const b = intervals[j] as AccountInterval
          if (a.customer === b.customer || a.active >= b.inactive || b.active >= a.inactive) continue
          ctx.report({
            line: b.line,
            message: `premise ${premise}: ${describeInterval(b)} of customer ${b.customer} overlaps ${describeInterval(a)} of customer ${a.customer}`,
          })
        }
      }
    }
  },
}
