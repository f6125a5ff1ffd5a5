import { Decimal as DefaultDecimal } from 'decimal.js'
import type { Fuel, Mapping } from '../config/mapping.js'
import { parsePlainDecimal, roundHalfUp, shortestText, type PlainDecimal } from './plain-decimal.js'

/**
 * decimal.js rounds every sum and product to 20 significant digits by default, which would silently cut
 * the digits of a huge quantity; with 1,000 every real quantity and its sum stay exact.
 */
const Decimal = DefaultDecimal.clone({ precision: 1_000 })
type Decimal = InstanceType<typeof Decimal>

/** One service-quantity row of a read. */
export interface QuantityRow {
  readonly quantity: string | null
  readonly unit: string | null
}

export type UsageResult =
  | { readonly kind: 'value'; readonly value: string; readonly fuel: Fuel }
  | { readonly kind: 'excluded'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string }

/**
 * Adds up the quantity rows of one read into `usage_value`, in the fuel's unit: units are converted by the
 * fuel's exact factor, demand and other ignored units are left out, and negative totals follow the
 * mapping's net-metering policy. Decimal arithmetic throughout: no float ever touches a usage value.
 */
export function aggregateUsage(usage: Mapping['usage'], allowNegative: boolean, fuelCode: string | null, rows: readonly QuantityRow[]): UsageResult {
  const fuel = usage.fuels.find((candidate) => candidate.match.includes((fuelCode ?? '').trim()))
  if (!fuel) return { kind: 'rejected', reason: `usage.fuel value "${fuelCode ?? ''}" matches no fuel of usage.fuels` }
  return sumPlain(usage, allowNegative, fuel, rows) ?? sumDecimal(usage, allowNegative, fuel, rows)
}

/** Decimal arithmetic for any quantity text decimal.js reads, and the reasons for reads that cannot be summed. */
function sumDecimal(usage: Mapping['usage'], allowNegative: boolean, fuel: Fuel, rows: readonly QuantityRow[]): UsageResult {
  let total = new Decimal(0)
  let counted = 0
  for (const row of rows) {
    const unit = (row.unit ?? '').trim()
    if (fuel.ignore.has(unit)) continue
    const factor = fuel.units.get(unit)
    if (factor === undefined) return { kind: 'rejected', reason: `unit "${unit}" is not declared for fuel ${fuel.name}` }
    let quantity: Decimal
    try {
      quantity = new Decimal((row.quantity ?? '').trim())
    } catch {
      return { kind: 'rejected', reason: 'usage quantity is not a number' }
    }
    if (usage.netMetering === 'delivered' && quantity.isNegative()) continue
    total = total.plus(quantity.times(factor))
    counted++
  }
  if (counted === 0) return { kind: 'rejected', reason: `no usage quantity in a unit of fuel ${fuel.name}` }
  const negative = negativeTotal(usage, allowNegative, total.isNegative() && !total.isZero())
  if (negative) return negative
  const rounded = total.toDecimalPlaces(usage.decimals, Decimal.ROUND_HALF_UP)
  return { kind: 'value', value: rounded.isZero() ? '0' : rounded.toFixed(), fuel }
}

/** What the net-metering policy makes of a negative total, or undefined when the total goes out as it is. */
function negativeTotal(usage: Mapping['usage'], allowNegative: boolean, negative: boolean): UsageResult | undefined {
  if (!negative) return undefined
  if (usage.netMetering === 'exclude') return { kind: 'excluded', reason: 'negative usage (net_metering: exclude)' }
  if (!allowNegative) {
    return {
      kind: 'rejected',
      reason: 'negative usage_value while allow_negative_usage is off (set it once Opower enabled negative usage, or use net_metering: delivered or exclude)',
    }
  }
  return undefined
}

const factors = new Map<string, PlainDecimal | undefined>()

/**
 * The same sum on scaled integers, for the common read: every quantity and factor plain decimal text and
 * every unit declared. Undefined for anything else, which `sumDecimal` then handles (and words the reason).
 */
function sumPlain(usage: Mapping['usage'], allowNegative: boolean, fuel: Fuel, rows: readonly QuantityRow[]): UsageResult | undefined {
  let total = 0n
  let scale = 0
  let counted = 0
  for (const row of rows) {
    const unit = (row.unit ?? '').trim()
    if (fuel.ignore.has(unit)) continue
    const factorText = fuel.units.get(unit)
    if (factorText === undefined) return undefined
    let factor = factors.get(factorText)
    if (factor === undefined) {
      factor = parsePlainDecimal(factorText)
      if (factor === undefined) return undefined
      factors.set(factorText, factor)
    }
    const quantity = parsePlainDecimal((row.quantity ?? '').trim())
    if (quantity === undefined) return undefined
    // decimal.js keeps the sign of -0: a "-0" generation row is left out too.
    if (usage.netMetering === 'delivered' && quantity.negative) continue
    const termScale = quantity.scale + factor.scale
    let term = quantity.units * factor.units
    if (quantity.negative !== factor.negative) term = -term
    if (termScale > scale) {
      total *= 10n ** BigInt(termScale - scale)
      scale = termScale
    } else if (termScale < scale) {
      term *= 10n ** BigInt(scale - termScale)
    }
    total += term
    counted++
  }
  if (counted === 0) return undefined
  const negative = negativeTotal(usage, allowNegative, total < 0n)
  if (negative) return negative
  const rounded = roundHalfUp(total < 0n ? -total : total, scale, usage.decimals)
  return { kind: 'value', value: rounded === 0n ? '0' : (total < 0n ? '-' : '') + shortestText(rounded, usage.decimals), fuel }
}
