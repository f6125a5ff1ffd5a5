import type { ValidatedFile } from './check.js'
import { fuelColumnOf, fuelName } from './fuel-column.js'
import { ownString, type Row } from './row.js'
import { UsageHistogram } from './usage-histogram.js'
import type { ValidationOptions } from './validation-options.js'

/** Reads per service point above this are counted in the last bucket. */
const MAX_READS_BUCKET = 60
/** Gap lengths in days: up to a week, a month, a quarter, a year, longer. */
const GAP_BUCKETS: readonly { readonly label: string; readonly max: number }[] = [
  { label: '1-7 days', max: 7 },
  { label: '8-31 days', max: 31 },
  { label: '32-92 days', max: 92 },
  { label: '93-365 days', max: 365 },
  { label: 'over a year', max: Infinity },
]

/** The figures behind the report's charts, as plain data (JSON). Sizes depend on months and fuels, not rows. */
export interface FileStatistics {
  readonly reads: number
  readonly servicePoints: number
  readonly estimatedReads: number
  /** fuel → `yyyy-mm` of `date_to` → reads. */
  readonly readsPerMonth: Record<string, Record<string, number>>
  /** How many service points have 1, 2, … reads (index = reads; the last entry counts that many or more). */
  readonly readsPerServicePoint: number[]
  /** Gaps inside one account and between accounts (vacancies), by length. */
  readonly gaps: { readonly withinAccount: number; readonly betweenAccounts: number; readonly byLength: Record<string, number> }
  /** fuel → usage_value distribution: percentiles and non-empty log bins [from, to, count]. */
  readonly usage: Record<string, { readonly count: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly bins: [number, number, number][] }>
}

/** Gathers {@link FileStatistics} while the rows stream by (usage columns only; a customer file has none). */
export class StatisticsCollector {
  readonly #columns: { servicePoint: number; dateTo: number; duration: number; value: number; estimate: number; account: number; fuel: number }
  readonly #fuels = new Map<string, { readonly months: Map<number, number>; readonly usage: UsageHistogram }>()
  #lastFuel: string | undefined
  #lastFigures: { readonly months: Map<number, number>; readonly usage: UsageHistogram } | undefined
  readonly #file: ValidatedFile
  readonly #perServicePoint = new Array<number>(MAX_READS_BUCKET + 1).fill(0)
  readonly #gapsByLength = new Map<string, number>(GAP_BUCKETS.map((bucket) => [bucket.label, 0]))
  #reads = 0
  #estimated = 0
  #servicePoints = 0
  #current: string | undefined
  #currentReads = 0
  #withinAccount = 0
  #betweenAccounts = 0

  constructor(file: ValidatedFile, options: ValidationOptions) {
    this.#file = file
    this.#columns = {
      servicePoint: file.lastColumn('service_point_id'),
      dateTo: file.column('date_to'),
      duration: file.column('duration'),
      value: file.column('usage_value'),
      estimate: file.column('is_estimate'),
      account: file.column('account_id'),
      fuel: fuelColumnOf(file, options),
    }
  }

  /** Whether the file carries usage at all. */
  get applies(): boolean {
    return this.#columns.dateTo >= 0 && this.#columns.value >= 0 && this.#columns.servicePoint >= 0
  }

  onRow(row: Row, line: number): void {
    const c = this.#columns
    this.#reads++
    const servicePoint = row.field(c.servicePoint)
    if (servicePoint !== this.#current) {
      this.#closeServicePoint()
      this.#current = ownString(servicePoint)
    }
    this.#currentReads++
    const figures = this.#figuresOf(fuelName(c.fuel < 0 ? undefined : row.field(c.fuel)))
    if (c.estimate >= 0 && row.end(c.estimate) - row.start(c.estimate) === 1 && row.field(c.estimate) === 'E') this.#estimated++
    const dayTo = row.day(c.dateTo)
    if (dayTo >= 0) {
      // yyyymm as a number: the date_to field's first six digits (known to be digits once day() passed).
      const month = leadingNumber(row.line, row.start(c.dateTo), 6)
      figures.months.set(month, (figures.months.get(month) ?? 0) + 1)
    }
    figures.usage.add(row.number(c.value))
    if (c.duration >= 0 && this.#file.readSteps.kindOf(row, line) === 'gap') this.#countGap()
  }

  #figuresOf(fuel: string): { readonly months: Map<number, number>; readonly usage: UsageHistogram } {
    if (fuel === this.#lastFuel && this.#lastFigures !== undefined) return this.#lastFigures
    let figures = this.#fuels.get(fuel)
    if (figures === undefined) this.#fuels.set(ownString(fuel), (figures = { months: new Map(), usage: new UsageHistogram() }))
    this.#lastFuel = fuel
    this.#lastFigures = figures
    return figures
  }

  result(): FileStatistics {
    this.#closeServicePoint()
    const readsPerMonth: Record<string, Record<string, number>> = {}
    const usage: FileStatistics['usage'] = {}
    for (const [fuel, { months, usage: h }] of this.#fuels) {
      const sorted = [...months].sort((a, b) => a[0] - b[0])
      readsPerMonth[fuel] = Object.fromEntries(sorted.map(([month, count]) => [`${Math.floor(month / 100)}-${String(month % 100).padStart(2, '0')}`, count]))
      usage[fuel] = { count: h.count, p50: h.percentile(0.5), p90: h.percentile(0.9), p99: h.percentile(0.99), max: h.max, bins: h.nonEmptyBins() }
    }
    return {
      reads: this.#reads,
      servicePoints: this.#servicePoints,
      estimatedReads: this.#estimated,
      readsPerMonth,
      readsPerServicePoint: [...this.#perServicePoint],
      gaps: { withinAccount: this.#withinAccount, betweenAccounts: this.#betweenAccounts, byLength: Object.fromEntries(this.#gapsByLength) },
      usage,
    }
  }

  #closeServicePoint(): void {
    if (this.#current === undefined) return
    this.#servicePoints++
    const bucket = Math.min(this.#currentReads, MAX_READS_BUCKET)
    this.#perServicePoint[bucket] = (this.#perServicePoint[bucket] ?? 0) + 1
    this.#currentReads = 0
    this.#current = undefined
  }

  #countGap(): void {
    const sequence = this.#file.readSteps.sequence
    if (sequence.sameAccount) this.#withinAccount++
    else this.#betweenAccounts++
    const days = sequence.gapTo - sequence.gapFrom
    const label = (GAP_BUCKETS.find((bucket) => days <= bucket.max) ?? GAP_BUCKETS[GAP_BUCKETS.length - 1])?.label as string
    this.#gapsByLength.set(label, (this.#gapsByLength.get(label) ?? 0) + 1)
  }
}

/** The number written by the `length` digits at `start` of `text` (already known to be digits). */
function leadingNumber(text: string, start: number, length: number): number {
  let value = 0
  for (let i = start; i < start + length; i++) value = value * 10 + (text.charCodeAt(i) - 48)
  return value
}
