import type { Check } from '../check.js'

interface SecondaryState {
  readonly customer: number
  readonly secondary: number
}

/** V31: a `secondary_id` that equals `customer_id` adds nothing (the spec's display ID is the customer_id). */
export const v31SecondaryId: Check<SecondaryState> = {
  id: 'V31',
  severity: 'warning',
  title: 'secondary_id, if present, differs from customer_id',
  columns: ['customer_id', 'secondary_id'],
  init: (ctx) => ({ customer: ctx.file.column('customer_id'), secondary: ctx.file.column('secondary_id') }),
  onRow(row, line, ctx, state) {
    if (row.end(state.secondary) === row.start(state.secondary)) return
    const secondary = row.field(state.secondary)
    if (secondary === row.field(state.customer)) {
      ctx.reportRow(row, line, state.secondary, 'secondary_id equals customer_id; leave it empty instead')
    }
  },
}
