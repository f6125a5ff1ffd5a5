import { readSequenceCheck } from './read-sequence-check.js'

/**
 * V73: an overlapping overwrite carries the usage of its whole span: its value is not negative and is
 * not just the value of the read it replaces (which would drop the earlier part of the span).
 */
export const v73OverwriteValue = readSequenceCheck({
  id: 'V73',
  severity: 'error',
  title: 'An overlapping overwrite carries the usage of its whole span',
  onRead(kind, row, line, ctx, state) {
    if (kind !== 'extension') return
    const value = row.field(state.value)
    if (value.startsWith('-')) {
      ctx.reportRow(row, line, state.value, `the overlapping overwrite has a negative usage_value ${value}`)
    } else if (value === state.reads.replacedValue) {
      ctx.reportRow(row, line, state.value, `usage_value ${value} equals the replaced read's value; it must cover the whole span`)
    }
  },
})
