/** Bins per power of ten: a bin spans about 12 %, the precision of every percentile below. */
const BINS_PER_DECADE = 20
/** Values from 0.001 up to 10^10 get their own bins; smaller positive values share bin 1, zero bin 0. */
const MIN_EXPONENT = -3
const MAX_EXPONENT = 10
const BIN_COUNT = (MAX_EXPONENT - MIN_EXPONENT) * BINS_PER_DECADE + 2

/**
 * A fixed logarithmic histogram of non-negative usage values: constant memory whatever the row count,
 * percentiles to within one bin. Negative values are counted apart (V58 judges them).
 */
export class UsageHistogram {
  readonly bins = new Float64Array(BIN_COUNT)
  count = 0
  negative = 0
  max = 0

  add(value: number): void {
    if (!(value >= 0)) {
      if (value < 0) this.negative++
      return
    }
    this.count++
    if (value > this.max) this.max = value
    const bin = binOf(value)
    this.bins[bin] = (this.bins[bin] ?? 0) + 1
  }

  /** The value below which a share `q` (0–1) of the values lie: the upper edge of its bin, capped at the max. */
  percentile(q: number): number {
    if (this.count === 0) return 0
    const target = q * this.count
    let seen = 0
    for (let bin = 0; bin < BIN_COUNT; bin++) {
      seen += this.bins[bin] as number
      if (seen >= target) return Math.min(upperEdge(bin), this.max)
    }
    return this.max
  }

  /** How many values lie in bins entirely above `threshold`. */
  countAbove(threshold: number): number {
    let count = 0
    for (let bin = binOf(threshold) + 1; bin < BIN_COUNT; bin++) count += this.bins[bin] as number
    return count
  }

  /** Non-empty bins as [lower edge, upper edge, count], for charts. */
  nonEmptyBins(): [number, number, number][] {
    const result: [number, number, number][] = []
    for (let bin = 0; bin < BIN_COUNT; bin++) {
      const count = this.bins[bin] as number
      if (count > 0) result.push([bin === 0 ? 0 : upperEdge(bin - 1), upperEdge(bin), count])
    }
    return result
  }
}

function binOf(value: number): number {
  if (value === 0) return 0
  const exponent = Math.log10(value)
  if (exponent < MIN_EXPONENT) return 1
  return Math.min(BIN_COUNT - 1, 1 + Math.ceil((exponent - MIN_EXPONENT) * BINS_PER_DECADE))
}

function upperEdge(bin: number): number {
  if (bin === 0) return 0
  return 10 ** (MIN_EXPONENT + (bin - 1) / BINS_PER_DECADE)
}
