import { LEGACY_BILLING_V1 } from '../../spec/legacy-billing-v1.js'
import type { Check } from '../check.js'
import { exceedsWholeNumber, USAGE_VALUE_FORMAT } from '../value-formats.js'

const MAX = LEGACY_BILLING_V1.groups.usage.find((c) => c.name === 'usage_value')?.max ?? 999999999

interface MaxState {
  readonly column: number
}

/** V57: `usage_value` is at most 999999999 (a malformed value is V56's). */
export const v57UsageValueMax: Check<MaxState> = {
  id: 'V57',
  severity: 'error',
  title: `usage_value is at most ${MAX}`,
  columns: ['usage_value'],
  init: (ctx) => ({ column: ctx.file.column('usage_value') }),
  onRow(row, line, ctx, state) {
    const value = row.field(state.column)
    if (value.length >= 9 && USAGE_VALUE_FORMAT.test(value) && exceedsWholeNumber(value, MAX)) {
      ctx.reportRow(row, line, state.column, `usage_value ${value} is above ${MAX}`)
    }
  },
}
