import { Row } from './row.js'

/**
 * The consecutive rows of one service point and `date_to` (one read period), kept as raw lines so rules
 * can compare a row with the earlier rows of its period. In a file in V66's order every row a period
 * holds is in one such run, so memory is the few rows of one period. Shared by V65 and V68.
 */
export class ReadPeriodGroup {
  #servicePoint: string | undefined
  #dateTo: string | undefined
  // The first `#size` entries are the group (entries past it are stale: resetting a length is slow).
  readonly #lines: string[] = []
  readonly #lineNumbers: number[] = []
  #size = 0
  /** Re-reads a kept line's fields when a later row of the group is compared with it. */
  readonly #earlier = new Row()

  /**
   * Starts a new group with `row` when its service point or `date_to` differs from the group's, and says
   * so; otherwise leaves the group as it is (the caller compares, then `add`s).
   */
  startsNew(servicePoint: string, dateTo: string, row: Row, line: number): boolean {
    if (servicePoint === this.#servicePoint && dateTo === this.#dateTo) return false
    this.#servicePoint = servicePoint
    this.#dateTo = dateTo
    this.#size = 0
    this.add(row, line)
    return true
  }

  add(row: Row, line: number): void {
    this.#lines[this.#size] = row.line
    this.#lineNumbers[this.#size++] = line
  }

  /** Whether an earlier row of the group is the same line, byte for byte. */
  holdsLine(line: string): boolean {
    for (let k = 0; k < this.#size; k++) if (this.#lines[k] === line) return true
    return false
  }

  /** The line number of the first earlier row equal to `row` in every one of `columns`, or undefined. */
  sameIn(row: Row, columns: readonly number[]): number | undefined {
    for (let k = 0; k < this.#size; k++) {
      this.#earlier.reset(this.#lines[k] as string)
      if (columns.every((i) => this.#earlier.field(i) === row.field(i))) return this.#lineNumbers[k]
    }
    return undefined
  }
}
