import type { Check } from '../check.js'

interface ShareState {
  readonly estimate: number
  estimated: number
  reads: number
}

/**
 * P03 (plausibility): the share of estimated reads (`is_estimate` = E) stays below `maxEstimatedShare`.
 * A high share usually means the source's actual/estimated flag was not mapped (the writer then writes E).
 */
export const p03EstimatedShare: Check<ShareState> = {
  id: 'P03',
  severity: 'warning',
  title: 'Estimated reads are not an unusually large share',
  columns: ['is_estimate'],
  init: (ctx) => ({ estimate: ctx.file.column('is_estimate'), estimated: 0, reads: 0 }),
  onRow(row, _line, _ctx, state) {
    state.reads++
    if (row.end(state.estimate) - row.start(state.estimate) === 1 && row.field(state.estimate) === 'E') state.estimated++
  },
  onEnd(ctx, state) {
    const share = state.reads === 0 ? 0 : state.estimated / state.reads
    if (share > ctx.options.maxEstimatedShare) {
      const percent = (share * 100).toFixed(1)
      ctx.reportBulk(state.estimated, [
        { message: `${state.estimated} of ${state.reads} reads (${percent} %) are estimated (E), above ${ctx.options.maxEstimatedShare * 100} %; check the is_estimate mapping` },
      ])
    }
  },
}
