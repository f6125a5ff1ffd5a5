import type { Check } from '../check.js'
import { fuelColumnOf, fuelName } from '../fuel-column.js'
import { ownString } from '../row.js'
import { UsageHistogram } from '../usage-histogram.js'

interface Candidate {
  readonly value: number
  readonly line: number
  readonly servicePoint: string
}

interface FuelFigures {
  readonly histogram: UsageHistogram
  /** The largest values seen, with where they are (at most the example limit, largest first). */
  readonly largest: Candidate[]
}

interface OutlierState {
  readonly servicePoint: number
  readonly value: number
  readonly fuel: number
  readonly fuels: Map<string, FuelFigures>
  lastFuel: string | undefined
  lastFigures: FuelFigures | undefined
}

/**
 * P02 (plausibility): per fuel, a `usage_value` above `outlierFactor` × the fuel's 99th percentile is
 * flagged. One pass in fixed memory: a logarithmic histogram gives the percentile (to within one bin,
 * about 12 %), so the count is of values in bins above the threshold; the examples are the largest values
 * kept on the way.
 */
export const p02UsageOutliers: Check<OutlierState> = {
  id: 'P02',
  severity: 'warning',
  title: 'usage_value is not far above its fuel’s 99th percentile',
  columns: ['service_point_id', 'usage_value'],
  init: (ctx) => ({
    servicePoint: ctx.file.lastColumn('service_point_id'),
    value: ctx.file.column('usage_value'),
    fuel: fuelColumnOf(ctx.file, ctx.options),
    fuels: new Map(),
    lastFuel: undefined,
    lastFigures: undefined,
  }),
  onRow(row, line, ctx, state) {
    const value = row.number(state.value)
    if (!(value > 0)) return
    const fuel = fuelName(state.fuel < 0 ? undefined : row.field(state.fuel))
    // Rows of one fuel come in runs: the last fuel's figures spare a map lookup on most rows.
    let figures = fuel === state.lastFuel ? state.lastFigures : state.fuels.get(fuel)
    if (figures === undefined) state.fuels.set(ownString(fuel), (figures = { histogram: new UsageHistogram(), largest: [] }))
    state.lastFuel = fuel
    state.lastFigures = figures
    figures.histogram.add(value)
    const largest = figures.largest
    const limit = ctx.options.exampleLimit
    if (largest.length < limit || value > (largest[largest.length - 1] as Candidate).value) {
      const at = largest.findIndex((candidate) => candidate.value < value)
      largest.splice(at < 0 ? largest.length : at, 0, { value, line, servicePoint: ownString(row.field(state.servicePoint)) })
      if (largest.length > limit) largest.pop()
    }
  },
  onEnd(ctx, state) {
    for (const [fuel, { histogram, largest }] of state.fuels) {
      // Fewer than 100 reads have no meaningful 99th percentile.
      if (histogram.count < 100) continue
      const p99 = histogram.percentile(0.99)
      const threshold = p99 * ctx.options.outlierFactor
      const count = histogram.countAbove(threshold)
      const examples = largest
        .filter((candidate) => candidate.value > threshold)
        .map((candidate) => ({
          line: candidate.line,
          servicePointId: candidate.servicePoint,
          column: 'usage_value',
          message: `usage_value ${candidate.value} is over ${ctx.options.outlierFactor}× the ${fuel} 99th percentile (${p99.toPrecision(3)})`,
        }))
      ctx.reportBulk(Math.max(count, examples.length), examples)
    }
  },
}
