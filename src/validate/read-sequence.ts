import { dayText } from './value-formats.js'

/**
 * How a read relates to the reads of its service point before it (LEGACY-BILLING-SPEC.md §4; a read
 * covers `date_to − duration` to `date_to`):
 * - `first`: the service point's first read in this run of rows;
 * - `contiguous`: it starts where the latest read ended;
 * - `exact`: same `date_to` and `duration` as an earlier read (an exact overwrite, V71 a);
 * - `extension`: an overlapping overwrite (V71 b): it starts where an earlier read started and ends later,
 *   with a longer duration, than the latest read;
 * - `gap` / `overlap`: it starts after / before the latest read's end;
 * - `unordered`: its `date_to` is before the latest one (V66's; nothing else is judged).
 */
export type ReadKind = 'first' | 'contiguous' | 'exact' | 'extension' | 'gap' | 'overlap' | 'unordered'

/**
 * The reads of one service point as they stream by, in file order (V71, V72, V73 and the gap statistics
 * share it). Memory: the periods of one service point. Call `next` with already-valid values.
 */
export class ReadSequence {
  servicePoint: string | undefined = undefined
  /** For `gap`: the missing days; for `extension`: the value of the read it replaces. */
  gapFrom = 0
  gapTo = 0
  sameAccount = true
  replacedValue = ''
  #latestEnd = 0
  #latestDuration = 0
  #latestValue = ''
  #latestAccount = ''
  readonly #periods = new Set<number>()
  readonly #starts = new Set<number>()

  next(servicePoint: string, dayTo: number, duration: number, account: string, value: string): ReadKind {
    const start = dayTo - duration
    if (servicePoint !== this.servicePoint) {
      this.servicePoint = servicePoint
      this.#periods.clear()
      this.#starts.clear()
      this.#record(start, dayTo, duration, account, value)
      return 'first'
    }
    if (dayTo < this.#latestEnd) return 'unordered'
    const period = dayTo * 100_000 + duration
    let kind: ReadKind
    if (this.#periods.has(period)) kind = 'exact'
    else if (start === this.#latestEnd) kind = 'contiguous'
    else if (start > this.#latestEnd) {
      kind = 'gap'
      this.gapFrom = this.#latestEnd
      this.gapTo = start
      this.sameAccount = account === this.#latestAccount
    } else if (this.#starts.has(start) && duration > this.#latestDuration) {
      kind = 'extension'
      this.replacedValue = this.#latestValue
    } else kind = 'overlap'
    this.#record(start, dayTo, duration, account, value)
    return kind
  }

  /** The gap of the last `gap` read, for a message. */
  describeGap(): string {
    return `no read covers ${dayText(this.gapFrom)} to ${dayText(this.gapTo)} (${this.gapTo - this.gapFrom} days)`
  }

  #record(start: number, dayTo: number, duration: number, account: string, value: string): void {
    this.#periods.add(dayTo * 100_000 + duration)
    this.#starts.add(start)
    this.#latestEnd = dayTo
    this.#latestDuration = duration
    this.#latestValue = value
    this.#latestAccount = account
  }
}
