import type { Check } from '../check.js'
import { isZeroNumber, USAGE_VALUE_FORMAT } from '../value-formats.js'

interface SignState {
  readonly column: number
}

/**
 * V58: `usage_value` is not negative unless `allowNegativeUsage` (Opower must configure it first), and
 * not zero when `rejectZeroUsage`. `-0` counts as zero. A malformed value is V56's.
 */
export const v58UsageValueSign: Check<SignState> = {
  id: 'V58',
  severity: 'error',
  title: 'usage_value is not negative (nor zero, when configured)',
  columns: ['usage_value'],
  init: (ctx) => ({ column: ctx.file.column('usage_value') }),
  onRow(row, line, ctx, state) {
    const value = row.field(state.column)
    const negative = value.startsWith('-')
    if (!negative && !ctx.options.rejectZeroUsage) return
    if (!USAGE_VALUE_FORMAT.test(value)) return
    const zero = isZeroNumber(value)
    if (zero && ctx.options.rejectZeroUsage) {
      ctx.reportRow(row, line, state.column, `usage_value ${value} is zero (options.rejectZeroUsage)`)
    } else if (negative && !zero && !ctx.options.allowNegativeUsage) {
      ctx.reportRow(row, line, state.column, `usage_value ${value} is negative (allowed only with allowNegativeUsage)`)
    }
  },
}
