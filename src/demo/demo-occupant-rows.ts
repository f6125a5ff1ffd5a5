import { dateText, microsAt, timestampText } from './demo-calendar.js'
import type { BilledSa } from './demo-bills.js'
import { formerName } from './demo-names.js'
import type { Occupancy, PremisePlan } from './demo-premise-plan.js'
import type { DemoTableName } from './demo-schema.js'
import type { IdSequence } from './id-sequence.js'
import type { SeededRandom } from './seeded-random.js'
import type { SqlValue } from './table-schema.js'

/** Collects one generated row. */
export type Emit = (table: DemoTableName, row: Record<string, SqlValue>) => void

/** A service point of the premise being generated. */
export interface ServicePoint {
  readonly spId: string
  readonly fuel: 'E' | 'G'
  readonly type: string
}

/** Writes a person (a customer, or a business) and its primary name; sometimes a former name too. */
export function emitPerson(perId: string, name: string, business: boolean, rng: SeededRandom, emit: Emit): void {
  const roll = rng.next()
  const language = roll < 0.9 ? 'ENG' : roll < 0.98 ? 'SPA' : 'FRA'
  emit('ci_per', { per_id: perId, per_or_bus_flg: business ? 'B' : 'P', language_cd: language, version: rng.int(1, 4) })
  emit('ci_per_name', { per_id: perId, seq_num: 1, entity_name: name, prim_name_sw: 'Y', version: 1 })
  // A former name kept as a secondary row: a mapping must pick the primary one.
  if (!business && rng.chance(0.04)) {
    emit('ci_per_name', {
      per_id: perId,
      seq_num: 2,
      entity_name: formerName(name, rng),
      prim_name_sw: 'N',
      version: 1,
    })
  }
}

/** What writing an SA needs from the generator. */
export interface SaContext {
  readonly rng: SeededRandom
  readonly emit: Emit
  readonly ids: { readonly sa: IdSequence; readonly saSp: IdSequence }
  readonly historyEnd: number
}

/**
 * Writes an occupant's SA on one service point, and its SA/SP link, for the stay from move-in to
 * move-out; returns what its bills depend on.
 */
export function emitServiceAgreement(
  ctx: SaContext,
  point: ServicePoint,
  owner: { accountId: string; premId: string; plan: PremisePlan; occupancy: Occupancy },
): BilledSa {
  const { rng, emit, ids } = ctx
  const { accountId, premId, plan, occupancy } = owner
  const saId = ids.sa.next()
  emit('ci_sa', {
    sa_id: saId,
    acct_id: accountId,
    sa_type_cd: point.type,
    sa_status_flg: statusOf(occupancy.end, ctx.historyEnd, rng),
    start_dt: dateText(occupancy.start),
    end_dt: occupancy.end === null ? null : dateText(occupancy.end),
    char_prem_id: premId,
    version: occupancy.end === null ? rng.int(1, 3) : rng.int(3, 6),
  })
  const officeTime = (day: number): string =>
    timestampText(microsAt(day, rng.int(8, 17), rng.int(0, 59), rng.int(0, 59)) + rng.int(0, 999) * 1000)
  emit('ci_sa_sp', {
    sa_sp_id: ids.saSp.next(),
    sa_id: saId,
    sp_id: point.spId,
    start_dttm: officeTime(occupancy.start),
    stop_dttm: occupancy.end === null ? null : officeTime(occupancy.end),
    version: 1,
  })
  return {
    saId,
    fuel: point.fuel,
    tou: point.fuel === 'E' && occupancy.tou && !plan.netMetered,
    netMetered: point.fuel === 'E' && plan.netMetered,
    gasUnit: plan.gasUnit,
    baseMonthly: point.fuel === 'G' ? rng.int(20, 80) : plan.business ? rng.int(600, 1400) : rng.int(300, 1100),
  }
}

/** '20' active; '40' pending stop (end in the last week); '50' stopped; '70' closed (most older ones). */
function statusOf(end: number | null, historyEnd: number, rng: SeededRandom): string {
  if (end === null) return '20'
  if (end > historyEnd - 7) return '40'
  if (end > historyEnd - 60) return '50'
  return rng.chance(0.8) ? '70' : '50'
}
