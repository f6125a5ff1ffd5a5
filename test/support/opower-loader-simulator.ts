import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { dayNumber } from '../../src/extract/calendar-date.js'
import { LEGACY_BILLING_V1 } from '../../src/spec/legacy-billing-v1.js'

/** A read as Opower keeps it: its period, its usage columns and (single layout) the account it came with. */
export interface SimulatedRead {
  readonly dateTo: string
  readonly duration: number
  readonly usage: Readonly<Record<string, string>>
  readonly accountId: string | undefined
}

const USAGE_COLUMNS: ReadonlySet<string> = new Set(LEGACY_BILLING_V1.groups.usage.map((column) => column.name))
const GROUP_KEY = { customer: 'customer_id', account: 'account_id', service_point: 'service_point_id' } as const

/**
 * A test-only stand-in for the Opower loader, applying files the way LEGACY-BILLING-SPEC.md §4 describes:
 * files in the order of their name timestamps; per service point a read with the same `date_to` and
 * `duration` replaces the one there (exact overwrite); a longer newest read that starts where a period
 * starts deletes the reads inside its span (overlapping overwrite); any other overlap is recorded as a
 * problem; for customers, accounts and service points the last row's attributes win.
 */
export class OpowerLoaderSimulator {
  readonly reads = new Map<string, Map<string, SimulatedRead>>()
  readonly entities = { customer: new Map<string, string>(), account: new Map<string, string>(), service_point: new Map<string, string>() }
  readonly problems: string[] = []

  /** Loads files in name-timestamp order, whatever the order given. */
  loadFiles(paths: readonly string[]): void {
    const stamp = (path: string) => /_(\d{14})\.(gz|zip)$/.exec(basename(path))?.[1] ?? ''
    for (const path of [...paths].sort((a, b) => stamp(a).localeCompare(stamp(b)))) this.loadFile(path)
  }

  loadFile(path: string): void {
    const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n')
    this.loadRows(lines[0]!, lines.slice(1))
  }

  /** Applies data lines under a header line, in order. */
  loadRows(headerLine: string, lines: readonly string[]): void {
    const header = headerLine.split('\t')
    for (const line of lines) {
      if (line === '') continue
      const values = line.split('\t')
      const row: Record<string, string> = {}
      header.forEach((name, index) => {
        if (!(name in row)) row[name] = values[index] ?? ''
      })
      this.#applyEntities(header, row)
      if (header.includes('usage_value')) this.#applyRead(row, header.includes('account_id') ? row.account_id : undefined)
    }
  }

  #applyEntities(header: readonly string[], row: Record<string, string>): void {
    for (const [group, keyColumn] of Object.entries(GROUP_KEY) as [keyof typeof GROUP_KEY, string][]) {
      const columns = LEGACY_BILLING_V1.groups[group].map((column) => column.name).filter((name) => header.includes(name))
      if (columns.length <= 1 || !header.includes(keyColumn)) continue
      this.entities[group].set(row[keyColumn]!, columns.map((name) => `${name}=${row[name]}`).join('|'))
    }
  }

  #applyRead(row: Record<string, string>, accountId: string | undefined): void {
    const sp = row.service_point_id!
    const read: SimulatedRead = {
      dateTo: row.date_to!,
      duration: Number(row.duration),
      usage: Object.fromEntries(Object.entries(row).filter(([name]) => USAGE_COLUMNS.has(name) && name !== 'service_point_id')),
      accountId,
    }
    const reads = this.reads.get(sp) ?? new Map<string, SimulatedRead>()
    this.reads.set(sp, reads)
    const key = `${read.dateTo}/${read.duration}`
    if (!reads.has(key)) {
      const start = startOf(read)
      const end = dayNumber(read.dateTo)
      const overlapping = [...reads.values()].filter((other) => startOf(other) < end && dayNumber(other.dateTo) > start)
      if (overlapping.length > 0) {
        const newest = Math.max(...[...reads.values()].map((other) => dayNumber(other.dateTo)))
        const startsAPeriod = [...reads.values()].some((other) => startOf(other) === start)
        if (end > newest && startsAPeriod) {
          for (const [otherKey, other] of reads) if (startOf(other) >= start && dayNumber(other.dateTo) <= end) reads.delete(otherKey)
        } else {
          this.problems.push(`service point ${sp}: read ${read.dateTo} (${read.duration} days) overlaps ${overlapping.map((o) => o.dateTo).join(', ')}`)
        }
      }
    }
    reads.set(key, read)
  }

  /** Everything loaded, in a canonical form for deepEqual. */
  state(): { reads: Record<string, SimulatedRead[]>; entities: Record<string, Record<string, string>> } {
    const reads: Record<string, SimulatedRead[]> = {}
    for (const sp of [...this.reads.keys()].sort()) {
      reads[sp] = [...this.reads.get(sp)!.values()].sort((a, b) => a.dateTo.localeCompare(b.dateTo) || a.duration - b.duration)
    }
    const entities: Record<string, Record<string, string>> = {}
    for (const [group, map] of Object.entries(this.entities)) entities[group] = Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)))
    return { reads, entities }
  }
}

function startOf(read: SimulatedRead): number {
  return dayNumber(read.dateTo) - read.duration
}
