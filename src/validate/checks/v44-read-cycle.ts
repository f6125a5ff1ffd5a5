import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'

const ALPHANUMERIC = /^[A-Za-z0-9]+$/

interface CycleState {
  readonly column: number
  /** The last value found valid: a service point's rows repeat it, and a comparison is cheaper than a regex. */
  lastValid: string
}

/** V44: a non-empty `read_cycle` is alphanumeric. */
export const v44ReadCycle: Check<CycleState> = {
  id: 'V44',
  severity: 'warning',
  title: 'read_cycle is alphanumeric',
  columns: ['read_cycle'],
  init: (ctx) => ({ column: ctx.file.column('read_cycle'), lastValid: '' }),
  onRow(row, line, ctx, state) {
    const value = row.field(state.column)
    if (value === '' || value === state.lastValid) return
    if (ALPHANUMERIC.test(value)) state.lastValid = value
    else {
      ctx.reportRow(row, line, state.column, `read_cycle ${describeValue('read_cycle', value)} is not alphanumeric`)
    }
  },
}
