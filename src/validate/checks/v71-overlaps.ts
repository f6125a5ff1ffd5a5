import type { CheckContext } from '../check.js'
import { readSequenceCheck, type SequenceState } from './read-sequence-check.js'

/**
 * V71 (with V70's definition of an overlap): a read may overlap earlier ones only as an exact overwrite
 * (same `date_to` and `duration`) or as an overlapping overwrite that starts where an earlier read
 * started, ends later with a longer duration, and stays the newest read of its service point.
 */
export const v71Overlaps = readSequenceCheck({
  id: 'V71',
  severity: 'error',
  title: 'Overlapping reads are only exact or overlapping overwrites',
  onRead(kind, row, line, ctx, state) {
    const servicePoint = state.reads.servicePoint ?? ''
    if (state.pending !== undefined && state.pending.servicePoint === servicePoint && kind !== 'first') rejectPending(ctx, state)
    state.pending = undefined
    if (kind === 'overlap') {
      ctx.reportRow(row, line, state.dateTo, 'the read overlaps an earlier read and is neither an exact overwrite nor an overlapping overwrite of it')
    } else if (kind === 'extension') {
      state.pending = { line, servicePoint }
    }
  },
})

function rejectPending(ctx: CheckContext, state: SequenceState): void {
  const pending = state.pending
  if (pending === undefined) return
  ctx.report({
    line: pending.line,
    servicePointId: pending.servicePoint,
    message: 'the overlapping overwrite is followed by a later read of its service point; only the newest read may overwrite',
  })
}
