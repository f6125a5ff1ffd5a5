/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32). The demo data must be the
 * same for the same seed on every machine and Node version, so nothing here touches `Math.random`.
 *
 * ```ts
 * const rng = new SeededRandom(42)
 * rng.int(27, 34) // the same sequence of numbers for seed 42, always
 * ```
 */
export class SeededRandom {
  #a: number
  #b: number
  #c: number
  #d: number

  constructor(seed: number) {
    // splitmix32 spreads a small seed over the 128 bits of sfc32 state; both halves of a seed above
    // 2^32 count, so 1 and 2^32 + 1 give different sequences.
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x27d4eb2d)
    const split = (): number => {
      state = (state + 0x9e3779b9) | 0
      let z = state
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.#a = split()
    this.#b = split()
    this.#c = split()
    this.#d = split()
    // sfc32's first outputs are weakly mixed; discarding a few is the usual remedy.
    for (let i = 0; i < 12; i += 1) this.uint32()
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return t >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error('SeededRandom.pick: empty list')
    return item
  }
}

/**
 * A stateless 32-bit hash of a few integers, for values that must not depend on how many random numbers
 * were drawn before them (for example the bill-run time of a given day, shared by many segments).
 */
export function mix32(...values: readonly number[]): number {
  let h = 0x811c9dc5
  for (const value of values) {
    h = Math.imul(h ^ (value >>> 0), 0x01000193)
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)
    h ^= h >>> 12
  }
  return h >>> 0
}
