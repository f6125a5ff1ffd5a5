import { readSequenceCheck } from './read-sequence-check.js'

/**
 * V72 (with V70's definition of a gap): a read that starts after the previous read of its service point
 * ended leaves a gap. A gap between two accounts is a vacancy (move-out, move-in) and is not reported;
 * a gap inside one account is a warning, or an error with `strictNoGaps`.
 */
export const v72Gaps = readSequenceCheck({
  id: 'V72',
  severity: 'warning',
  title: 'No gaps between the reads of one account',
  onRead(kind, row, line, ctx, state) {
    if (kind !== 'gap' || !state.reads.sameAccount) return
    const severity = ctx.options.strictNoGaps ? 'error' : 'warning'
    ctx.reportRow(row, line, state.dateTo, `${state.reads.describeGap()} before this read`, severity)
  },
})
