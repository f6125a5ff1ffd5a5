import type { Check } from '../check.js'
import { DEFAULT_DURATION_BANDS, type DurationBand } from '../validation-options.js'
import { positiveIntegerAt } from '../value-formats.js'

interface BandState {
  readonly column: number
  readonly bands: readonly DurationBand[]
  readonly described: string
}

/** V62: `duration` falls in a supported cycle band (monthly, bi-monthly, quarterly, annual). */
export const v62DurationBand: Check<BandState> = {
  id: 'V62',
  severity: 'warning',
  title: 'duration fits a supported billing cycle',
  columns: ['duration'],
  init(ctx) {
    const bands = ctx.options.durationBands ?? DEFAULT_DURATION_BANDS
    const described = bands.map((band) => `${band.name} ${band.min}-${band.max}`).join(', ')
    return { column: ctx.file.column('duration'), bands, described }
  },
  onRow(row, line, ctx, state) {
    const days = positiveIntegerAt(row.line, row.start(state.column), row.end(state.column))
    if (days < 0) return
    const bands = state.bands
    for (let k = 0; k < bands.length; k++) {
      const band = bands[k] as DurationBand
      if (days >= band.min && days <= band.max) return
    }
    const value = row.field(state.column)
    ctx.reportRow(row, line, state.column, `duration ${value} days fits no supported cycle (${state.described})`)
  },
}
