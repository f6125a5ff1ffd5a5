import { dayNumber } from '../extract/calendar-date.js'
import type { Finding, FindingExample, Severity } from './validation-report.js'

/** One read period of a service point: `date_to` as yyyymmdd, duration in days, and the account that billed it. */
export interface ReadPeriod {
  readonly dateTo: string
  readonly duration: number
  readonly accountId: string
}

const RULES = {
  V71: { severity: 'error', title: 'An overlap with an accepted read that is neither an exact nor an overlapping overwrite' },
  V72: { severity: 'warning', title: 'A gap after the last accepted read of the same account' },
  V78: { severity: 'error', title: 'A read older than what was accepted for its service point that is not a correction' },
} as const satisfies Record<string, { severity: Severity; title: string }>
type ContinuityRule = keyof typeof RULES

const EXAMPLES = 10

/**
 * Continuity of new reads against the accepted ones, per service point (VALIDATION-RULES V71, V72, V78):
 * the first new read starts where the accepted history ends (`date_to − duration` = last accepted
 * `date_to`); an overlap is allowed only as an exact overwrite (same `date_to` and `duration` as a read
 * already there) or as an overlapping overwrite (the newest read, starting at the start of a period
 * already there); a read dated before the last accepted one must be such a correction. A gap between two
 * different accounts is a vacancy (move-out, move-in) and is not reported.
 *
 * ```ts
 * const continuity = new AcceptedContinuity((sp) => state.acceptedPeriods(key, sp, before))
 * continuity.check('SP1', [{ dateTo: '20261130', duration: 30, accountId: 'A1' }])
 * continuity.findings() // [] when SP1's accepted history ends on 20261031
 * ```
 */
export class AcceptedContinuity {
  readonly #accepted: (servicePointId: string) => readonly ReadPeriod[]
  readonly #counts = new Map<ContinuityRule, { count: number; examples: FindingExample[] }>()

  constructor(accepted: (servicePointId: string) => readonly ReadPeriod[]) {
    this.#accepted = accepted
  }

  /** Checks the new reads of one service point, in file order (oldest first). */
  check(servicePointId: string, reads: readonly ReadPeriod[]): void {
    const known = [...this.#accepted(servicePointId)]
    if (known.length === 0) return // a new service point: its history starts here
    const key = (p: ReadPeriod) => `${p.dateTo}/${p.duration}`
    const periods = new Set(known.map(key))
    const starts = new Set(known.map(startOf))
    let last = known.reduce((a, b) => (dayNumber(b.dateTo) > dayNumber(a.dateTo) ? b : a))
    for (const read of reads) {
      const start = startOf(read)
      const end = dayNumber(read.dateTo)
      const lastEnd = dayNumber(last.dateTo)
      const exact = periods.has(key(read))
      if (!exact) {
        if (end <= lastEnd) {
          this.#report('V78', servicePointId, `read ${read.dateTo} (${read.duration} days) is older than the last accepted read ${last.dateTo} and corrects no accepted period`)
        } else if (start < lastEnd && !starts.has(start)) {
          this.#report('V71', servicePointId, `read ${read.dateTo} (${read.duration} days) overlaps the accepted read ${last.dateTo} and does not start where an accepted period starts`)
        } else if (start > lastEnd && read.accountId === last.accountId) {
          this.#report('V72', servicePointId, `no read between ${last.dateTo} and the start of read ${read.dateTo} (${read.duration} days)`)
        }
      }
      periods.add(key(read))
      starts.add(start)
      if (end > lastEnd) last = read
    }
  }

  findings(): Finding[] {
    return [...this.#counts].map(([rule, { count, examples }]) => ({ rule, severity: RULES[rule].severity, title: RULES[rule].title, count, examples }))
  }

  #report(rule: ContinuityRule, servicePointId: string, message: string): void {
    const entry = this.#counts.get(rule) ?? { count: 0, examples: [] }
    entry.count++
    if (entry.examples.length < EXAMPLES) entry.examples.push({ servicePointId, message })
    this.#counts.set(rule, entry)
  }
}

function startOf(period: ReadPeriod): number {
  return dayNumber(period.dateTo) - period.duration
}
