/**
 * Exact arithmetic on plain decimal text (`-12.5`, `007`, `0.125`: digits, an optional point with digits
 * after it, an optional leading minus) as a scaled integer. Mapping and usage aggregation run for every
 * read; decimal.js allocates and normalises several objects per value, which showed in the profile of
 * large extracts. Results are the same text decimal.js gives (checked against it in the tests); anything
 * else (exponents, a plus sign, `.5`, `Infinity`, hexadecimal, very long text) is left to decimal.js.
 */
export interface PlainDecimal {
  /** Written with a minus sign, zero included: decimal.js keeps the sign of `-0`. */
  readonly negative: boolean
  /** The digits without the point, as an integer. */
  readonly units: bigint
  /** Digits after the point. */
  readonly scale: number
}

// Far below decimal.js's 1,000 significant digits of aggregation, so a sum never needs its rounding.
const MAX_LENGTH = 60
const ZERO = 48
const NINE = 57
const POINT = 46
const MINUS = 45
const TENS: bigint[] = [1n]

function tenTo(exponent: number): bigint {
  while (TENS.length <= exponent) TENS.push(TENS[TENS.length - 1]! * 10n)
  return TENS[exponent]!
}

/** The value of plain decimal text, or undefined when the text is not plain (decimal.js decides then). */
export function parsePlainDecimal(text: string): PlainDecimal | undefined {
  const length = text.length
  if (length === 0 || length > MAX_LENGTH) return undefined
  const negative = text.charCodeAt(0) === MINUS
  let start = negative ? 1 : 0
  let point = -1
  for (let i = start; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code >= ZERO && code <= NINE) continue
    if (code === POINT && point < 0) {
      point = i
      continue
    }
    return undefined
  }
  // Digits on both sides of the point.
  if (start === length || point === start || point === length - 1) return undefined
  if (point < 0) return { negative, units: BigInt(start === 0 ? text : text.slice(start)), scale: 0 }
  return { negative, units: BigInt(text.slice(start, point) + text.slice(point + 1)), scale: length - point - 1 }
}

/** The magnitude `units / 10^scale` rounded half up (away from zero) to `decimals` places, as units of that scale. */
export function roundHalfUp(units: bigint, scale: number, decimals: number): bigint {
  if (scale <= decimals) return units * tenTo(decimals - scale)
  const divisor = tenTo(scale - decimals)
  const quotient = units / divisor
  return (units % divisor) * 2n >= divisor ? quotient + 1n : quotient
}

/** `units / 10^scale` as fixed-point text with exactly `scale` places (no sign). */
export function fixedText(units: bigint, scale: number): string {
  const digits = units.toString()
  if (scale === 0) return digits
  const padded = digits.length > scale ? digits : digits.padStart(scale + 1, '0')
  return `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`
}

/** Like `fixedText`, without trailing zeros after the point (decimal.js `toFixed()` of a normalised value). */
export function shortestText(units: bigint, scale: number): string {
  const text = fixedText(units, scale)
  if (scale === 0) return text
  let end = text.length
  while (text.charCodeAt(end - 1) === ZERO) end--
  if (text.charCodeAt(end - 1) === POINT) end--
  return text.slice(0, end)
}

/** decimal.js `new Decimal(text).toFixed(decimals, ROUND_HALF_UP)`, or `.toFixed()` when `decimals` is undefined. */
export function formatPlainDecimal(value: PlainDecimal, decimals: number | undefined): string {
  // The sign follows the value before rounding: decimal.js writes -0.001 to 2 places as -0.00.
  const sign = value.negative && value.units !== 0n ? '-' : ''
  if (decimals === undefined) return sign + shortestText(value.units, value.scale)
  return sign + fixedText(roundHalfUp(value.units, value.scale, decimals), decimals)
}
