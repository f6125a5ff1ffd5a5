import { MICROS_PER_DAY, MICROS_PER_SECOND, dateText, microsAt, monthOf, timestampText } from './demo-calendar.js'
import type { DemoTableName } from './demo-schema.js'
import { decimalText, type IdSequence } from './id-sequence.js'
import { mix32, type SeededRandom } from './seeded-random.js'
import type { SqlValue } from './table-schema.js'

/** One service agreement to bill, with what decides its service quantities. */
export interface BilledSa {
  readonly saId: string
  readonly fuel: 'E' | 'G'
  /** Electric time-of-use: ON and OFF kWh rows plus a KW demand row. */
  readonly tou: boolean
  /** Electric with solar: a NETGEN kWh row, larger than consumption in summer. */
  readonly netMetered: boolean
  readonly gasUnit: 'THERM' | 'CCF'
  /** Typical use per 30 days, in kWh or therms. */
  readonly baseMonthly: number
}

/** One account's billing: its SAs share the bill and its periods (they are read on the same day). */
export interface BilledAccount {
  readonly sas: readonly BilledSa[]
  /** Day number where the first segment starts: the SA start, or a read date just before the history. */
  readonly firstStart: number
  /** Day number of the SAs' end_dt (the last segment ends on it), or null while active. */
  readonly endDay: number | null
  readonly bimonthly: boolean
  /** Period numbers (0-based) forced to be cancelled and rebilled, or estimated, so small builds have them. */
  readonly forceCancelPeriod?: number
  readonly forceEstimatedPeriod?: number
}

/** What the bill writer shares with the rest of the generator. */
export interface BillContext {
  readonly rng: SeededRandom
  readonly seed: number
  readonly historyEnd: number
  readonly billIds: IdSequence
  readonly bsegIds: IdSequence
  readonly emit: (table: DemoTableName, row: Record<string, SqlValue>) => void
}

interface Quantity {
  readonly uom: string
  readonly tou: string | null
  readonly sqi: string | null
  /** Ten-thousandths of the unit. */
  readonly value: number
}

// Bills of periods ending this close to the end of the history are too fresh to have been corrected.
const CANCEL_MIN_AGE_DAYS = 90

/**
 * Writes an account's bill segments, one per SA per period, each with its service quantities and its
 * calculation header. Periods run back to back (a segment starts where the previous one ended) until
 * the end of the history or the SAs' end date; a cancelled segment is followed by its rebill.
 */
export function emitBills(account: BilledAccount, ctx: BillContext): void {
  const { rng } = ctx
  let start = account.firstStart
  for (let period = 0; ; period += 1) {
    let end = start + (account.bimonthly ? rng.int(55, 65) : rng.int(27, 34))
    const final = account.endDay !== null && end >= account.endDay
    if (final && account.endDay !== null) end = account.endDay
    if (end > ctx.historyEnd || end <= start) return
    const frozenAt = freezeTime(end, ctx)
    const billId = ctx.billIds.next()
    for (const sa of account.sas) {
      const estimated = period === account.forceEstimatedPeriod || rng.chance(0.04)
      const forcedCancel = period === account.forceCancelPeriod && end <= ctx.historyEnd - 30
      const cancel = forcedCancel || (end <= ctx.historyEnd - CANCEL_MIN_AGE_DAYS && rng.chance(0.01))
      const quantities = quantitiesOf(sa, start, end, rng)
      const createdAt = frozenAt - rng.int(60, 7200) * MICROS_PER_SECOND - rng.int(0, 999_999)
      if (!cancel) {
        emitSegment(
          ctx,
          { billId, sa, start, end, estimated, status: '50', createdAt, changedAt: frozenAt, version: 1 },
          quantities,
        )
        continue
      }
      // Cancelled weeks later: the original keeps its creation time and gets the cancellation as its
      // status change; the rebill is a new segment for the same period, created just after.
      const latest = microsAt(ctx.historyEnd, 20)
      const cancelledAt = Math.min(frozenAt + rng.int(10, 80) * MICROS_PER_DAY + rng.int(0, 86_399_999_999), latest)
      emitSegment(
        ctx,
        { billId, sa, start, end, estimated, status: '70', createdAt, changedAt: cancelledAt, version: 2 },
        quantities,
      )
      const rebilledAt = cancelledAt + rng.int(1, 900) * MICROS_PER_SECOND + rng.int(0, 999_999)
      const rebill = { billId: ctx.billIds.next(), sa, start, end, estimated: false, status: '50' as const }
      const changedAt = rebilledAt + rng.int(1, 300) * MICROS_PER_SECOND
      emitSegment(ctx, { ...rebill, createdAt: rebilledAt, changedAt, version: 1 }, corrected(quantities, rng))
    }
    if (final) return
    start = end
  }
}

interface Segment {
  readonly billId: string
  readonly sa: BilledSa
  readonly start: number
  readonly end: number
  readonly estimated: boolean
  readonly status: '50' | '70'
  readonly createdAt: number
  readonly changedAt: number
  readonly version: number
}

function emitSegment(ctx: BillContext, segment: Segment, quantities: readonly Quantity[]): void {
  const bsegId = ctx.bsegIds.next()
  ctx.emit('ci_bseg', {
    bseg_id: bsegId,
    bill_id: segment.billId,
    sa_id: segment.sa.saId,
    start_dt: dateText(segment.start),
    end_dt: dateText(segment.end),
    est_sw: segment.estimated ? 'Y' : 'N',
    bseg_stat_flg: segment.status,
    cre_dttm: timestampText(segment.createdAt),
    stat_chg_dttm: timestampText(segment.changedAt),
    version: segment.version,
  })
  quantities.forEach((quantity, index) => {
    ctx.emit('ci_bseg_sq', {
      bseg_id: bsegId,
      seq_num: index + 1,
      uom_cd: quantity.uom,
      tou_cd: quantity.tou,
      sqi_cd: quantity.sqi,
      bill_sq: decimalText(quantity.value),
      version: 1,
    })
  })
  const amount = chargeOf(segment.sa, segment.end - segment.start, quantities)
  ctx.emit('ci_bseg_calc', {
    bseg_id: bsegId,
    header_seq: 1,
    calc_amt: decimalText(amount),
    currency_cd: 'USD',
    version: 1,
  })
}

/**
 * When the segment was frozen: a few days after the read, at a random moment, or for a quarter of them
 * at the bill run's time of that day, which every segment frozen in that run shares (ties on
 * stat_chg_dttm, as an incremental extract meets them). Never after the end of the history.
 */
function freezeTime(end: number, ctx: BillContext): number {
  const day = Math.min(end + ctx.rng.int(1, 5), ctx.historyEnd)
  if (ctx.rng.chance(0.25)) return microsAt(day, 19) + (mix32(ctx.seed, day) % 3_600_000_000)
  return microsAt(day, ctx.rng.int(6, 22), ctx.rng.int(0, 59), ctx.rng.int(0, 59), ctx.rng.int(0, 999_999))
}

function quantitiesOf(sa: BilledSa, start: number, end: number, rng: SeededRandom): Quantity[] {
  const days = end - start
  const month = monthOf(start + Math.floor(days / 2))
  const noise = 0.9 + 0.2 * rng.next()
  if (sa.fuel === 'G') {
    // Heating: high in winter, low in summer; 5-150 therms per 30 days.
    const monthly = clamp(sa.baseMonthly * (1 + 0.8 * Math.cos((2 * Math.PI * (month - 1)) / 12)) * noise, 5, 150)
    const therms = (monthly * days) / 30
    if (sa.gasUnit === 'CCF')
      return [{ uom: 'CCF', tou: null, sqi: null, value: Math.max(1, Math.round(therms / 1.037)) * 10000 }]
    return [{ uom: 'THERM', tou: null, sqi: null, value: Math.max(1, Math.round(therms * 10000)) }]
  }
  // Electric: peaks in winter and summer; 200-1500 kWh per 30 days, most reads in whole kWh.
  const monthly = clamp(sa.baseMonthly * (1 + 0.2 * Math.cos((2 * Math.PI * (month - 1)) / 6)) * noise, 200, 1500)
  const kwh = (monthly * days) / 30
  const value = rng.chance(0.7) ? Math.max(1, Math.round(kwh)) * 10000 : Math.max(1, Math.round(kwh * 10000))
  if (sa.tou) {
    const share = 0.3 + 0.15 * rng.next()
    // Registers read whole kWh when the total is whole, so the split is whole too.
    const on = value % 10000 === 0 ? Math.round((value / 10000) * share) * 10000 : Math.round(value * share)
    return [
      { uom: 'KWH', tou: 'ON', sqi: null, value: on },
      { uom: 'KWH', tou: 'OFF', sqi: null, value: value - on },
      { uom: 'KW', tou: null, sqi: 'DEMAND', value: rng.int(2000, 15000) * 10 },
    ]
  }
  if (sa.netMetered) {
    // Solar: in the sunny half of the year generation exceeds use, so the segment's net kWh is negative.
    const sunny = month >= 4 && month <= 9
    const share = sunny ? 1.1 + 0.7 * rng.next() : 0.2 + 0.6 * rng.next()
    return [
      { uom: 'KWH', tou: null, sqi: null, value },
      { uom: 'KWH', tou: null, sqi: 'NETGEN', value: -Math.round(value * share) },
    ]
  }
  return [{ uom: 'KWH', tou: null, sqi: null, value }]
}

/** The rebill's quantities: the same rows with values 5-20% off (the reason it was rebilled). */
function corrected(quantities: readonly Quantity[], rng: SeededRandom): Quantity[] {
  const factor = rng.chance(0.5) ? 0.8 + 0.15 * rng.next() : 1.05 + 0.15 * rng.next()
  return quantities.map((quantity) => {
    const whole = quantity.value % 10000 === 0
    const value = whole ? Math.round((quantity.value / 10000) * factor) * 10000 : Math.round(quantity.value * factor)
    return { ...quantity, value: value === quantity.value ? value + (value < 0 ? -10000 : 10000) : value }
  })
}

/** The segment's charge in ten-thousandths of a dollar, rounded to the cent. */
function chargeOf(sa: BilledSa, days: number, quantities: readonly Quantity[]): number {
  let cents = (sa.fuel === 'G' ? 1500 : 1200) * (days / 30)
  for (const quantity of quantities) {
    const units = quantity.value / 10000
    if (quantity.uom === 'THERM') cents += units * 112
    else if (quantity.uom === 'CCF') cents += units * 1.037 * 112
    else if (quantity.uom === 'KW') cents += units * 450
    else if (quantity.tou === 'ON') cents += units * 21.5
    else if (quantity.tou === 'OFF') cents += units * 9.1
    else cents += units * 13.42
  }
  return Math.round(cents) * 100
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
