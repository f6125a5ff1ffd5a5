import { ToolkitError } from '../errors/toolkit-error.js'

const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/
// Building a DateTimeFormat costs far more than using one; a process sees one or two zones.
const formatters = new Map<string, Intl.DateTimeFormat>()

/**
 * The timestamp of the next file name: the wall clock of `now` in the utility's `timeZone`, or one second
 * after `last` when that is later, as `yyyyMMddHHmmss`.
 *
 * Opower loads files in the order of these stamps (LEGACY-BILLING-SPEC.md §4, V07), so they must strictly
 * increase across files, reruns within the same second and the DST fall-back hour, when the local clock
 * runs through the same hour twice. `last + 1 s` is counted on the naive wall-clock scale (no zone, no
 * DST), so it never goes through the process time zone.
 *
 * ```ts
 * // 2025-11-02 01:10 CST comes after 01:30 CDT in real time, but not on the wall clock:
 * nextFileTimestamp(new Date('2025-11-02T07:10:00Z'), 'America/Chicago', '20251102013000') // '20251102013001'
 * ```
 */
export function nextFileTimestamp(now: Date, timeZone: string, last?: string): string {
  const local = localTimestamp(now, timeZone)
  if (last === undefined) return local
  const afterLast = addSeconds(last, 1)
  // Same width and most significant digit first, so string order is time order.
  return local > afterLast ? local : afterLast
}

/**
 * Stamps for the `count` files of one delivery, in load order (customer before usage, then the parts of
 * a split historical): the first as nextFileTimestamp, each next one at least a second later.
 */
export function nextFileTimestamps(now: Date, timeZone: string, last: string | undefined, count: number): string[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`internal: file count ${count} is not a whole number ≥ 0`)
  const stamps: string[] = []
  let previous = last
  for (let index = 0; index < count; index++) {
    previous = nextFileTimestamp(now, timeZone, previous)
    stamps.push(previous)
  }
  return stamps
}

/** The wall-clock time of `now` in `timeZone` (IANA name), as `yyyyMMddHHmmss`. */
export function localTimestamp(now: Date, timeZone: string): string {
  if (Number.isNaN(now.getTime())) throw new Error('internal: the current time is an invalid Date')
  const parts: Record<string, string> = {}
  for (const part of formatterOf(timeZone).formatToParts(now)) parts[part.type] = part.value
  const field = (type: string, width: number): string => (parts[type] ?? '').padStart(width, '0')
  return field('year', 4) + field('month', 2) + field('day', 2) + field('hour', 2) + field('minute', 2) + field('second', 2)
}

/** Adds seconds to a stamp on the naive wall-clock scale; refuses a stamp that is not a real date-time (V06). */
export function addSeconds(stamp: string, seconds: number): string {
  const match = STAMP.exec(stamp)
  const [year, month, day, hour, minute, second] = (match?.slice(1) ?? []).map(Number)
  // Date.UTC is used as a calendar only: UTC has no DST, so it is the naive scale.
  const ms = match ? Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) : Number.NaN
  if (Number.isNaN(ms) || formatUtc(new Date(ms)) !== stamp) {
    throw new ToolkitError('STATE_CORRUPT', `last file timestamp "${stamp}" is not a valid yyyyMMddHHmmss date-time`, {
      hint: 'the state store or a file name holds a broken timestamp; check `opower-extract status`',
    })
  }
  return formatUtc(new Date(ms + seconds * 1000))
}

function formatUtc(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0')
  return (
    String(date.getUTCFullYear()).padStart(4, '0') +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds())
  )
}

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter !== undefined) return formatter
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23, not hour12: false, which some ICU versions turn into "24" at midnight.
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
  } catch (error) {
    throw new ToolkitError('MAPPING_INVALID', `time zone "${timeZone}" is not a known IANA time zone`, {
      hint: 'set the mapping\'s timezone to a name like "America/Chicago" or "Australia/Sydney"',
      cause: error,
    })
  }
  formatters.set(timeZone, formatter)
  return formatter
}
