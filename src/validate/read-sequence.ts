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
 * The reads of one service point as they stream by, in file order. Since rows are in `date_to` order
 * (V66), an exact overwrite can only repeat a read with the latest `date_to`, so only those durations are
 * kept; the start days of the service point's reads are kept for the rare overlap. Memory: the reads of
 * one service point. Call `next` with already-valid values.
 */
export class ReadSequence {
  servicePoint: string | undefined = undefined
  /** For `gap`: the missing days, and whether the reads on both sides belong to one account. */
  gapFrom = 0
  gapTo = 0
  sameAccount = true
  /** For `extension`: the value of the read it replaces. */
  replacedValue = ''
  #latestEnd = 0
  #latestDuration = 0
  #latestValue = ''
  #latestAccount = ''
  // Used up to the counts only (resetting an array's length costs more than the rest of a step).
  readonly #durationsAtLatestEnd: number[] = []
  #durationCount = 0
  readonly #starts: number[] = []
  #startCount = 0

  next(servicePoint: string, dayTo: number, duration: number, account: string, value: string): ReadKind {
    const start = dayTo - duration
    if (servicePoint !== this.servicePoint) {
      this.servicePoint = servicePoint
      this.#startCount = 0
      this.#durationCount = 0
      this.#record(start, dayTo, duration, account, value)
      return 'first'
    }
    if (dayTo < this.#latestEnd) return 'unordered'
    let kind: ReadKind
    if (dayTo === this.#latestEnd && includes(this.#durationsAtLatestEnd, this.#durationCount, duration)) kind = 'exact'
    else if (start === this.#latestEnd) kind = 'contiguous'
    else if (start > this.#latestEnd) {
      kind = 'gap'
      this.gapFrom = this.#latestEnd
      this.gapTo = start
      this.sameAccount = account === this.#latestAccount
    } else if (duration > this.#latestDuration && includes(this.#starts, this.#startCount, start)) {
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
    if (dayTo !== this.#latestEnd) this.#durationCount = 0
    this.#durationsAtLatestEnd[this.#durationCount++] = duration
    this.#starts[this.#startCount++] = start
    this.#latestEnd = dayTo
    this.#latestDuration = duration
    this.#latestValue = value
    this.#latestAccount = account
  }
}

function includes(values: readonly number[], count: number, value: number): boolean {
  for (let i = 0; i < count; i++) if (values[i] === value) return true
  return false
}
