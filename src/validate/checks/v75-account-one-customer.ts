import type { Check } from '../check.js'
import { ownString } from '../row.js'
import { TEXT_CODEC, type EntityMap } from '../entity-map.js'

interface OwnerState {
  readonly account: number
  readonly customer: number
  readonly owners: EntityMap<string>
  lastAccount: string
  lastCustomer: string
}

/** V75: one `account_id` belongs to one `customer_id` on every row. Memory: one entry per account. */
export const v75AccountOneCustomer: Check<OwnerState> = {
  id: 'V75',
  severity: 'error',
  title: 'An account belongs to one customer',
  columns: ['account_id', 'customer_id'],
  init: (ctx) => ({
    account: ctx.file.column('account_id'),
    customer: ctx.file.column('customer_id'),
    owners: ctx.entityMap(TEXT_CODEC),
    lastAccount: '',
    lastCustomer: '',
  }),
  onRow(row, line, ctx, state) {
    const account = row.field(state.account)
    const customer = row.field(state.customer)
    if (account === state.lastAccount && customer === state.lastCustomer) return
    if (account === '' || customer === '') return
    state.lastAccount = account
    state.lastCustomer = customer
    const owner = state.owners.get(account)
    if (owner === undefined) state.owners.set(ownString(account), ownString(customer))
    else if (owner !== customer) {
      ctx.reportRow(row, line, state.customer, `account ${account} belongs to customer ${customer} here and to ${owner} on an earlier row`)
    }
  },
}
