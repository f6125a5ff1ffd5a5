/**
 * Sequential CC&B-style identifiers of a fixed width: a leading digit per table (so an id says which
 * table it belongs to) and a zero-padded counter, e.g. `3000000042`. Fixed width makes text order equal
 * numeric order, and rows are inserted in key order, which keeps the SQLite build fast.
 */
export class IdSequence {
  readonly #prefix: string
  readonly #digits: number
  #last = 0

  constructor(prefix: string, width: number) {
    this.#prefix = prefix
    this.#digits = width - prefix.length
  }

  next(): string {
    this.#last += 1
    return this.#prefix + String(this.#last).padStart(this.#digits, '0')
  }
}

/** An exact decimal text with 4 places of an integer count of ten-thousandths: 7342500 → `'734.2500'`. */
export function decimalText(tenThousandths: number): string {
  const magnitude = Math.abs(tenThousandths)
  const whole = Math.floor(magnitude / 10000)
  const fraction = String(magnitude - whole * 10000).padStart(4, '0')
  return `${tenThousandths < 0 ? '-' : ''}${whole}.${fraction}`
}
