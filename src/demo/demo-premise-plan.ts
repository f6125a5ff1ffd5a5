import type { SeededRandom } from './seeded-random.js'

/** One occupant's stay at a premise: the account and SAs it gets, from move-in to move-out. */
export interface Occupancy {
  /** Day number of the move-in (account setup_dt, SA start_dt). */
  readonly start: number
  /** Day number of the move-out (SA end_dt), or null for the current occupant. */
  readonly end: number | null
  readonly tou: boolean
  readonly bimonthly: boolean
  readonly cotenant: boolean
}

/** What the generator decides for one premise before writing any row of it. */
export interface PremisePlan {
  readonly business: boolean
  readonly gas: boolean
  readonly gasUnit: 'THERM' | 'CCF'
  readonly netMetered: boolean
  /** Successive occupants, oldest first; the first one may have moved in long before the history. */
  readonly occupancies: readonly Occupancy[]
  /** Forced cases so that even a tiny build has each of them (see `FORCED_PLANS`). */
  readonly forceCancelPeriod?: number
  readonly forceEstimatedPeriod?: number
  readonly poisonName?: boolean
  readonly poisonStreet?: boolean
}

/**
 * The scripted premises present in every build, by `prem_id` (premise n gets id 3 followed by n + 1,
 * zero-padded, so these never move). Tests and walkthroughs can go straight to a case:
 * - `moveChain`: three successive accounts (electric TOU + gas in CCF; the first has a cotenant, a
 *   cancelled and rebilled period and an estimate; the last moved in 40 days before the end);
 * - `netMeteredLateMoveOut`: solar (NETGEN), moved out 20 days before the end, next in 8 days later;
 * - `businessPoisonName`: a business billed every two months, its name has a line break;
 * - `poisonStreet`: a new building first occupied 50 days before the end, its street has a tab.
 */
export const SCRIPTED_PREMISES = {
  moveChain: '3000000001',
  netMeteredLateMoveOut: '3000000002',
  businessPoisonName: '3000000003',
  poisonStreet: '3000000004',
} as const

/** The history the plan must fit in, as day numbers. */
export interface PlanWindow {
  readonly start: number
  readonly end: number
}

/**
 * Plans premise number `index`. The first few premises are scripted so that every case the extract must
 * handle exists in any build, however small: a move-in chain ending with a move-in in the last two
 * months, a move-out in the last month, net metering, time of use, CCF, bi-monthly billing, a
 * cancel/rebill, an estimate, and the two poison values. Every other premise is drawn at random with
 * the rates of the brief (15% move, 30% gas, 5% business...).
 */
export function planPremise(index: number, window: PlanWindow, rng: SeededRandom): PremisePlan {
  const forced = FORCED_PLANS[index]?.(window)
  if (forced) return forced
  const business = rng.chance(0.05)
  const gas = rng.chance(0.3)
  const gasUnit = rng.chance(0.3) ? 'CCF' : 'THERM'
  const netMetered = !business && rng.chance(0.02)
  // 3% are new buildings first occupied during the history; the rest moved in years before it.
  const firstStart = rng.chance(0.03) ? rng.int(window.start + 10, window.end - 20) : window.start - rng.int(30, 4500)
  const roll = rng.next()
  const changes = roll < 0.005 ? 3 : roll < 0.03 ? 2 : roll < 0.15 ? 1 : 0
  const occupancies: Occupancy[] = []
  let start = firstStart
  const low = Math.max(firstStart, window.start) + 30
  const span = window.end - low
  for (let change = 0; change < changes && span > 10; change += 1) {
    // Each move falls in its own slice of what is left of the history, so chains stay in order.
    const sliceLow = Math.max(low + Math.floor((span * change) / changes), start + 20)
    const sliceHigh = low + Math.floor((span * (change + 1)) / changes) - 1
    if (sliceLow > sliceHigh) break
    const moveOut = rng.int(sliceLow, sliceHigh)
    occupancies.push(occupant(start, moveOut, business, rng))
    start = moveOut + (rng.chance(0.6) ? 0 : rng.int(1, 21))
    // Moved out at the very end with nobody in yet: the premise stays vacant.
    if (start > window.end) return { business, gas, gasUnit, netMetered, occupancies }
  }
  occupancies.push(occupant(start, null, business, rng))
  return { business, gas, gasUnit, netMetered, occupancies }
}

function occupant(start: number, end: number | null, business: boolean, rng: SeededRandom): Occupancy {
  return {
    start,
    end,
    tou: rng.chance(0.1),
    bimonthly: rng.chance(0.05),
    cotenant: !business && rng.chance(0.06),
  }
}

const stay = (start: number, end: number | null, extra: Partial<Occupancy> = {}): Occupancy => ({
  start,
  end,
  tou: false,
  bimonthly: false,
  cotenant: false,
  ...extra,
})

/** The scripted premises, by index; the dates follow the history window (at least 120 days). */
const FORCED_PLANS: readonly ((window: PlanWindow) => PremisePlan)[] = [
  // A chain: the first occupant (TOU, one cancel/rebill, one estimate) leaves and the next moves in the
  // same day; that one leaves 75 days before the end, and the third moves in 40 days before the end.
  ({ start, end }) => {
    const firstMove = start + Math.floor((end - start) / 3)
    return {
      business: false,
      gas: true,
      gasUnit: 'CCF',
      netMetered: false,
      occupancies: [
        stay(start - 2000, firstMove, { tou: true, cotenant: true }),
        stay(firstMove, end - 75),
        stay(end - 40, null),
      ],
      forceCancelPeriod: 2,
      forceEstimatedPeriod: 3,
    }
  },
  // Net metering (solar); the occupant moves out 20 days before the end, the next moves in 8 days later.
  ({ start, end }) => ({
    business: false,
    gas: false,
    gasUnit: 'THERM',
    netMetered: true,
    occupancies: [stay(start - 900, end - 20), stay(end - 12, null)],
  }),
  // A business, billed every two months, whose name has a line break (poison value).
  ({ start }) => ({
    business: true,
    gas: true,
    gasUnit: 'THERM',
    netMetered: false,
    occupancies: [stay(start - 3000, null, { bimonthly: true })],
    poisonName: true,
  }),
  // A new building first occupied 50 days before the end, whose street has a tab in it (poison value).
  ({ end }) => ({
    business: false,
    gas: false,
    gasUnit: 'THERM',
    netMetered: false,
    occupancies: [stay(end - 50, null)],
    poisonStreet: true,
  }),
]
