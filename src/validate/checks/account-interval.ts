import type { ValidatedFile } from '../check.js'
import type { Row } from '../row.js'
import { dayNumber, dayText, isCalendarDate } from '../value-formats.js'

/** An account's activity, [active, inactive) in day numbers; `inactive` is Infinity while it is open. */
export interface AccountInterval {
  readonly account: string
  readonly customer: string
  readonly active: number
  readonly inactive: number
  readonly line: number
}

/** Header indexes of the columns an account interval is read from (`customer` is -1 where absent). */
export interface AccountIntervalColumns {
  readonly account: number
  readonly customer: number
  readonly active: number
  readonly inactive: number
}

export function accountIntervalColumns(file: ValidatedFile): AccountIntervalColumns {
  return {
    account: file.column('account_id'),
    customer: file.column('customer_id'),
    active: file.column('active_date'),
    inactive: file.column('inactive_date'),
  }
}

/**
 * The interval of the account on this row, or undefined when its dates are malformed or reversed
 * (V35, V36, V37 report those).
 */
export function accountIntervalOf(row: Row, line: number, columns: AccountIntervalColumns): AccountInterval | undefined {
  const account = row.field(columns.account)
  const active = row.field(columns.active)
  const inactive = row.field(columns.inactive)
  if (account === '' || !isCalendarDate(active)) return undefined
  if (inactive !== '' && (!isCalendarDate(inactive) || inactive < active)) return undefined
  const customer = columns.customer < 0 ? '' : row.field(columns.customer)
  return { account, customer, active: dayNumber(active), inactive: inactive === '' ? Infinity : dayNumber(inactive), line }
}

export function describeInterval(interval: AccountInterval): string {
  const end = interval.inactive === Infinity ? 'open' : dayText(interval.inactive)
  return `account ${interval.account} (${dayText(interval.active)} to ${end})`
}
