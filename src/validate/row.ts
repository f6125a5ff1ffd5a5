import { calendarDayAt } from './value-formats.js'

/**
 * One data line seen as TAB-separated fields, without splitting it: the TAB positions are found once
 * (one `indexOf` per field) and a field's text is cut out only when a check asks for it, then kept for
 * the other checks of the same row. Splitting every line into strings cost more than decompressing it,
 * and most checks read one or two columns. One object serves the whole file: `reset` moves it on.
 */
export class Row {
  /** The raw line, without its terminator. */
  line = ''
  /** How many fields the line holds (TABs + 1). */
  length = 0
  // starts[i] is where field i begins; starts[length] is line.length + 1, so field i ends at starts[i + 1] - 1.
  #starts: Int32Array = new Int32Array(64)
  #cache: string[] = []
  #cachedFor: Int32Array = new Int32Array(64)
  #days: Int32Array = new Int32Array(64)
  #daysFor: Int32Array = new Int32Array(64)
  #numbers: Float64Array = new Float64Array(64)
  #numbersFor: Int32Array = new Int32Array(64)
  #generation = 0

  reset(line: string): void {
    this.line = line
    this.#generation++
    let starts = this.#starts
    let count = 0
    let tab = -1
    starts[0] = 0
    do {
      tab = line.indexOf('\t', tab + 1)
      count++
      if (count + 1 >= starts.length) starts = this.#grow()
      starts[count] = tab < 0 ? line.length + 1 : tab + 1
    } while (tab >= 0)
    this.length = count
  }

  /** The text of field `index` ('' past the end, like a missing value). */
  field(index: number): string {
    if (index < 0 || index >= this.length) return ''
    if (this.#cachedFor[index] === this.#generation) return this.#cache[index] as string
    const text = this.line.slice(this.#starts[index] as number, (this.#starts[index + 1] as number) - 1)
    this.#cache[index] = text
    this.#cachedFor[index] = this.#generation
    return text
  }

  /**
   * Field `index` read as a `yyyymmdd` date: its day number (days since 1970-01-01), or -1 when it is not
   * a real calendar date. Parsed once per row, whichever checks ask (several judge `date_to`).
   */
  day(index: number): number {
    if (index < 0 || index >= this.length) return -1
    if (this.#daysFor[index] === this.#generation) return this.#days[index] as number
    const day = calendarDayAt(this.line, this.#starts[index] as number, (this.#starts[index + 1] as number) - 1)
    this.#days[index] = day
    this.#daysFor[index] = this.#generation
    return day
  }

  /**
   * Field `index` as `Number(text)` would read it (NaN when it is not a number, 0 when empty). Parsed once
   * per row, whichever checks ask (the statistics and P02 both read `usage_value`).
   */
  number(index: number): number {
    if (index < 0 || index >= this.length) return 0
    if (this.#numbersFor[index] === this.#generation) return this.#numbers[index] as number
    const start = this.#starts[index] as number
    const end = (this.#starts[index + 1] as number) - 1
    const plain = plainDecimalAt(this.line, start, end)
    const value = plain === plain ? plain : Number(this.field(index))
    this.#numbers[index] = value
    this.#numbersFor[index] = this.#generation
    return value
  }

  /** Where field `index` starts in `line`. */
  start(index: number): number {
    return this.#starts[index] as number
  }

  /** Where field `index` ends in `line` (exclusive). */
  end(index: number): number {
    return (this.#starts[index + 1] as number) - 1
  }

  /** Every field as a string (for tests and for the rare row a check must see whole). */
  fields(): string[] {
    return Array.from({ length: this.length }, (_, index) => this.field(index))
  }

  #grow(): Int32Array {
    const starts = new Int32Array(this.#starts.length * 2)
    starts.set(this.#starts)
    this.#starts = starts
    this.#cachedFor = grown(this.#cachedFor, starts.length)
    this.#days = grown(this.#days, starts.length)
    this.#daysFor = grown(this.#daysFor, starts.length)
    this.#numbers = grownFloats(this.#numbers, starts.length)
    this.#numbersFor = grown(this.#numbersFor, starts.length)
    return starts
  }
}

function grown(array: Int32Array, length: number): Int32Array {
  const copy = new Int32Array(length)
  copy.set(array)
  return copy
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, power) => 10 ** power)

/**
 * `Number(text[start, end))` for a plain decimal (`-?digits(.digits)?`) of at most 15 digits, else NaN
 * (the caller then asks `Number`). With the digits as a whole number below 2^53 and an exact power of ten,
 * one division is correctly rounded, so the result is exactly what `Number` gives (Clinger's fast path).
 */
function plainDecimalAt(text: string, start: number, end: number): number {
  let i = start
  const negative = i < end && text.charCodeAt(i) === 45
  if (negative) i++
  let digits = 0
  let decimals = -1
  let value = 0
  for (; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code === 46 && decimals < 0 && digits > 0) {
      decimals = 0
      continue
    }
    if (code < 48 || code > 57) return NaN
    value = value * 10 + (code - 48)
    digits++
    if (decimals >= 0) decimals++
  }
  if (digits === 0 || digits > 15 || decimals === 0) return NaN
  const number = decimals > 0 ? value / (POWERS_OF_TEN[decimals] as number) : value
  return negative ? -number : number
}

function grownFloats(array: Float64Array, length: number): Float64Array {
  const copy = new Float64Array(length)
  copy.set(array)
  return copy
}

/**
 * A copy of `text` that does not keep its line alive: V8 cuts a field of 13 or more characters as a view
 * into the whole line, so a map keyed by such fields would hold one line per key. Use it for strings a
 * check keeps beyond the row.
 */
export function ownString(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string)
}
