import { dateText } from './demo-calendar.js'
import { mailingLine, newSite, unitLabel, type DemoSite } from './demo-addresses.js'
import { emitBills, type BillContext } from './demo-bills.js'
import { POISON_BUSINESS_NAME, businessName, personName } from './demo-names.js'
import { emitPerson, emitServiceAgreement, type Emit, type SaContext, type ServicePoint } from './demo-occupant-rows.js'
import { resolveDemoOptions, type DemoOptions } from './demo-options.js'
import { planPremise } from './demo-premise-plan.js'
import { IdSequence } from './id-sequence.js'
import { SeededRandom } from './seeded-random.js'
import type { TableRow } from './table-schema.js'

/** The one service address with a tab in it, for the extract's cleaning policy to find. */
export const POISON_STREET = 'Old Mill\tRd'

interface Building {
  readonly site: DemoSite
  readonly multiUnit: boolean
  readonly style: number
  readonly cycle: number
  unitsLeft: number
  nextUnit: number
}

/**
 * Generates a CC&B-shaped billing database, premise by premise: the premise and its service points,
 * then each successive occupant with person(s), account, SAs and bill segments. A parent row always
 * comes before its children. Pure and deterministic: the same options give the same rows in the same
 * order, on any machine, at any date (every date derives from `historyStart`/`historyEnd`).
 *
 * ```ts
 * for (const { table, row } of generateDemoData({ customers: 100, seed: 1, historyStart: '2024-01-01', historyEnd: '2024-12-31' })) { … }
 * ```
 */
export function* generateDemoData(options: DemoOptions): Generator<TableRow> {
  const window = resolveDemoOptions(options)
  const rng = new SeededRandom(options.seed)
  const out: TableRow[] = []
  const emit: Emit = (table, row) => {
    out.push({ table, row })
  }
  const ids = {
    per: new IdSequence('1', 10),
    acct: new IdSequence('2', 10),
    prem: new IdSequence('3', 10),
    sp: new IdSequence('4', 10),
    sa: new IdSequence('5', 10),
    saSp: new IdSequence('6', 10),
  }
  const bills: BillContext = {
    rng,
    seed: options.seed,
    historyEnd: window.historyEnd,
    billIds: new IdSequence('7', 12),
    bsegIds: new IdSequence('8', 12),
    emit,
  }
  const saContext: SaContext = { rng, emit, ids, historyEnd: window.historyEnd }
  let building: Building | undefined

  for (let index = 0; index < options.customers; index += 1) {
    const plan = planPremise(index, { start: window.historyStart, end: window.historyEnd }, rng)
    if (!building || building.unitsLeft === 0) building = newBuilding(rng)
    const home = plan.poisonStreet ? poisonedHouse(rng) : building
    const unit = home.multiUnit ? unitLabel(home.style, home.nextUnit, plan.business) : null
    if (home === building) {
      building.unitsLeft -= 1
      building.nextUnit += 1
    }
    const premId = ids.prem.next()
    emit('ci_prem', {
      prem_id: premId,
      prem_type_cd: plan.business ? 'COMM' : home.multiUnit ? 'MFD' : 'SFD',
      num1: home.site.num1,
      address1: home.site.address1,
      address2: unit,
      city: home.site.city,
      state: home.site.state,
      postal: home.site.postal,
      mail_addr: rng.chance(0.08) ? mailingLine(rng) : null,
      version: rng.int(1, 3),
    })
    const points: ServicePoint[] = [{ spId: ids.sp.next(), fuel: 'E', type: plan.business ? 'E-COM' : 'E-RES' }]
    if (plan.gas) points.push({ spId: ids.sp.next(), fuel: 'G', type: plan.business ? 'G-COM' : 'G-RES' })
    for (const point of points) {
      const cycle = `R${String(home.cycle).padStart(2, '0')}`
      // 'R': in service. Every SP of the demo stays in service; occupants come and go on it.
      emit('ci_sp', {
        sp_id: point.spId,
        sp_type_cd: point.type,
        prem_id: premId,
        mr_cyc_cd: cycle,
        sp_status_flg: 'R',
        version: rng.int(1, 3),
      })
    }
    plan.occupancies.forEach((occupancy, nth) => {
      const accountId = ids.acct.next()
      const mainPerson = ids.per.next()
      const name = plan.business
        ? plan.poisonName && nth === 0
          ? POISON_BUSINESS_NAME
          : businessName(rng)
        : personName(rng)
      emitPerson(mainPerson, name, plan.business, rng, emit)
      const cotenant = occupancy.cotenant ? ids.per.next() : undefined
      if (cotenant) emitPerson(cotenant, personName(rng), false, rng, emit)
      emit('ci_acct', {
        acct_id: accountId,
        cust_cl_cd: plan.business ? 'COMM' : 'RES',
        setup_dt: dateText(occupancy.start),
        bill_cyc_cd: `${occupancy.bimonthly ? 'B' : 'M'}${String(home.cycle).padStart(2, '0')}`,
        version: rng.int(1, 4),
      })
      emit('ci_acct_per', {
        acct_id: accountId,
        per_id: mainPerson,
        acct_rel_type_cd: 'MAIN',
        main_cust_sw: 'Y',
        fin_resp_sw: 'Y',
        version: 1,
      })
      if (cotenant) {
        emit('ci_acct_per', {
          acct_id: accountId,
          per_id: cotenant,
          acct_rel_type_cd: 'COTENANT',
          main_cust_sw: 'N',
          fin_resp_sw: 'N',
          version: 1,
        })
      }
      const owner = { accountId, premId, plan, occupancy }
      const billed = points.map((point) => emitServiceAgreement(saContext, point, owner))
      emitBills(
        {
          sas: billed,
          firstStart: occupancy.start >= window.historyStart ? occupancy.start : window.historyStart - rng.int(0, 26),
          endDay: occupancy.end,
          bimonthly: occupancy.bimonthly,
          ...(nth === 0 && plan.forceCancelPeriod !== undefined ? { forceCancelPeriod: plan.forceCancelPeriod } : {}),
          ...(nth === 0 && plan.forceEstimatedPeriod !== undefined
            ? { forceEstimatedPeriod: plan.forceEstimatedPeriod }
            : {}),
        },
        bills,
      )
    })
    yield* out
    out.length = 0
  }
}

/** A single house, or with 5% chance a building of 3-12 units that the next premises fill. */
function newBuilding(rng: SeededRandom, allowMultiUnit = true): Building {
  const multiUnit = allowMultiUnit && rng.chance(0.05)
  return {
    site: newSite(rng),
    multiUnit,
    style: rng.int(0, 2),
    cycle: rng.int(1, 20),
    unitsLeft: multiUnit ? rng.int(3, 12) : 1,
    nextUnit: 0,
  }
}

/** The poison street gets a house of its own, so no neighbour shares the tab. */
function poisonedHouse(rng: SeededRandom): Building {
  const house = newBuilding(rng, false)
  return { ...house, site: { ...house.site, address1: POISON_STREET } }
}
