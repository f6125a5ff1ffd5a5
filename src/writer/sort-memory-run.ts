import type { SortedRun } from './sort-merge-heap.js'

/**
 * A sorted run that stays in memory: the last buffer of an external sort. It joins the final merge as the
 * highest-ordered run instead of taking a round trip through disk, which saves writing and re-reading up to
 * `maxRecordsInMemory` records without raising the memory bound (the buffer was that big anyway).
 */
export class MemoryRun<T> implements SortedRun<T> {
  readonly order: number
  head!: T
  #records: T[]
  #next = 0

  /** `records` must already be sorted; the run takes ownership of the array. */
  constructor(records: T[], order: number) {
    this.#records = records
    this.order = order
  }

  advance(): boolean {
    if (this.#next >= this.#records.length) return false
    this.head = this.#records[this.#next++] as T
    return true
  }

  fill(): Promise<boolean> {
    return Promise.resolve(this.advance())
  }

  close(): void {
    // Drop the array so the records can be collected while the merge goes on with the other runs.
    this.#records = []
    this.#next = 0
  }
}
