import type { Check } from '../check.js'
import { describeValue } from '../describe-value.js'

/** USPS codes of the states, DC, the territories, the freely associated states and the military "states". */
const USPS_CODES = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR ' +
    'PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM FM MH PW AA AE AP'
  ).split(' '),
)

interface StateState {
  readonly column: number
  /** The last value found valid: a service point's rows repeat it, and a comparison is cheaper than a set lookup. */
  lastValid: string
}

/**
 * V46: `service_state` has exactly 2 characters (error); a warning when those are not a USPS code in
 * uppercase. An empty state is V45's.
 */
export const v46ServiceState: Check<StateState> = {
  id: 'V46',
  severity: 'error',
  title: 'service_state is a 2-letter code',
  columns: ['service_state'],
  init: (ctx) => ({ column: ctx.file.column('service_state'), lastValid: '' }),
  onRow(row, line, ctx, state) {
    const value = row.field(state.column)
    if (value === '' || value === state.lastValid) return
    if (USPS_CODES.has(value)) {
      state.lastValid = value
      return
    }
    const shown = describeValue('service_state', value)
    if (value.length !== 2) {
      ctx.reportRow(row, line, state.column, `service_state ${shown} has ${value.length} characters, expected 2`)
    } else {
      ctx.reportRow(row, line, state.column, `service_state ${shown} is not an uppercase USPS code`, 'warning')
    }
  },
}
