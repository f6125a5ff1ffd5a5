import type { ValidatedFile } from './check.js'
import { ReadSequence, type ReadKind } from './read-sequence.js'
import type { Row } from './row.js'

/**
 * The file's one {@link ReadSequence}, stepped once per row however many checks ask (V71, V72, V73 and
 * the statistics): each asks `kindOf` for the row it is judging and reads the gap or replaced value from
 * `sequence` right after. Rows without a service point, a real `date_to` or a positive whole `duration`
 * are other rules' findings and give undefined.
 */
export class ReadSteps {
  readonly sequence = new ReadSequence()
  readonly #servicePoint: number
  readonly #dateTo: number
  readonly #duration: number
  readonly #account: number
  readonly #value: number
  #line = -1
  #kind: ReadKind | undefined

  constructor(file: ValidatedFile) {
    this.#servicePoint = file.column('service_point_id')
    this.#dateTo = file.column('date_to')
    this.#duration = file.column('duration')
    this.#account = file.column('account_id')
    this.#value = file.column('usage_value')
  }

  kindOf(row: Row, line: number): ReadKind | undefined {
    if (line === this.#line) return this.#kind
    this.#line = line
    this.#kind = undefined
    const servicePoint = row.field(this.#servicePoint)
    const dayTo = row.day(this.#dateTo)
    const duration = positiveInteger(row.line, row.start(this.#duration), row.end(this.#duration))
    if (servicePoint === '' || dayTo < 0 || duration <= 0) return undefined
    const account = this.#account < 0 ? '' : row.field(this.#account)
    const value = this.#value < 0 ? '' : row.field(this.#value)
    this.#kind = this.sequence.next(servicePoint, dayTo, duration, account, value)
    return this.#kind
  }
}

/** `text[start, end)` as a positive whole number written without leading zeros, else -1. */
function positiveInteger(text: string, start: number, end: number): number {
  if (end <= start || end - start > 9 || text.charCodeAt(start) === 48) return -1
  let value = 0
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}
