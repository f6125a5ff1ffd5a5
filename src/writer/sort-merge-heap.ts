/**
 * One sorted run as the merge sees it: a cursor over records already in order. `head` is only defined
 * after `advance()` or `fill()` returned `true`.
 *
 * `advance()` is synchronous and answers `false` when the run has nothing buffered; the merge then awaits
 * `fill()`, which reads more (or answers `false` at the end). Splitting the two keeps the merge loop free of
 * a promise per record: a file run only awaits once per chunk it reads.
 */
export interface SortedRun<T> {
  /** Position of the run in input order: the tie-breaker that keeps the merge stable. */
  readonly order: number
  readonly head: T
  advance(): boolean
  fill(): Promise<boolean>
  /** Releases the run's file handle, if any. Safe to call more than once. */
  close(): void
}

/**
 * A binary min-heap of sorted runs keyed on their head record, then on run order.
 *
 * Stability: each run holds a contiguous slice of the input, runs are numbered in input order, and a run's
 * own order is stable (`Array.prototype.sort` is stable since ES2019; a merged run inherits it). So when
 * two heads compare equal, the run with the lower `order` holds the earlier input record, and preferring it
 * keeps equal records in input order across runs and across merge passes.
 */
export class MergeHeap<T, R extends SortedRun<T> = SortedRun<T>> {
  readonly #compare: (a: T, b: T) => number
  readonly #runs: R[] = []

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare
  }

  /** Fills every run and keeps those that hold at least one record (empty ones are closed). */
  async add(runs: readonly R[]): Promise<void> {
    for (const run of runs) {
      if (await run.fill()) this.#push(run)
      else run.close()
    }
  }

  get size(): number {
    return this.#runs.length
  }

  /** The run whose head comes next, or `undefined` when every run is done. */
  peek(): R | undefined {
    return this.#runs[0]
  }

  /**
   * Moves the top run to its next record if it has one buffered and restores the heap. Answers `false`
   * when the top run must be refilled first: call `refillTop()`.
   */
  advanceTop(): boolean {
    const top = this.#runs[0]
    if (top === undefined || !top.advance()) return false
    this.#siftDown(0)
    return true
  }

  /** Reads more of the top run; drops and closes it if it has ended. */
  async refillTop(): Promise<void> {
    const top = this.#runs[0]
    if (top === undefined) return
    if (await top.fill()) {
      this.#siftDown(0)
      return
    }
    top.close()
    const last = this.#runs.pop() as R
    if (this.#runs.length > 0) {
      this.#runs[0] = last
      this.#siftDown(0)
    }
  }

  /** Closes every run still in the heap (used when the merge stops early). */
  closeAll(): void {
    for (const run of this.#runs) run.close()
    this.#runs.length = 0
  }

  #before(a: R, b: R): boolean {
    const c = this.#compare(a.head, b.head)
    return c < 0 || (c === 0 && a.order < b.order)
  }

  #push(run: R): void {
    const runs = this.#runs
    let i = runs.push(run) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const above = runs[parent] as R
      if (!this.#before(run, above)) break
      runs[i] = above
      i = parent
    }
    runs[i] = run
  }

  #siftDown(start: number): void {
    const runs = this.#runs
    const n = runs.length
    const run = runs[start] as R
    let i = start
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      let child = left
      if (right < n && this.#before(runs[right] as R, runs[left] as R)) child = right
      const below = runs[child] as R
      if (!this.#before(below, run)) break
      runs[i] = below
      i = child
    }
    runs[i] = run
  }
}
