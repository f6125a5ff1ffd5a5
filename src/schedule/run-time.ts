import { ToolkitError } from '../errors/toolkit-error.js'

/** When the scheduled run starts, in the utility's local time. */
export interface RunTime {
  readonly hour: number
  readonly minute: number
  /** Weekly runs start on Monday; daily runs every day. */
  readonly cadence: 'weekly' | 'daily'
}

/** Monday 04:30 local: after the weekend's billing, hours before start of business, clear of every DST change. */
export const DEFAULT_RUN_TIME = '04:30'
/** Start of business assumed for the Monday deadline (VALIDATION-RULES V83: Monday 08:00 local). */
export const START_OF_BUSINESS_HOUR = 8

/**
 * Parses `HH:MM` and refuses a time within an hour of a DST change in the zone during the next two
 * years: such a run may be skipped, run twice, or run an hour early or late.
 */
export function chooseRunTime(time: string, timezone: string, cadence: RunTime['cadence'], now: Date): RunTime {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time)
  if (!match) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--time "${time}" is not a time written HH:MM (24-hour)`, { hint: `e.g. --time ${DEFAULT_RUN_TIME}` })
  }
  const hour = Number(match[1])
  const minute = Number(match[2])
  const clash = dstChangesOf(timezone, now).find((change) => Math.abs(minutesBetween(hour * 60 + minute, change.localMinute)) < 60)
  if (clash) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--time ${time} is within an hour of the DST change in ${timezone} (${clash.description})`, {
      hint: `choose a time at least an hour away, e.g. --time ${DEFAULT_RUN_TIME}`,
    })
  }
  return { hour, minute, cadence }
}

interface DstChange {
  /** Local wall-clock minute of the day at which the clocks change (before the change). */
  readonly localMinute: number
  readonly description: string
}

/** The DST changes of a zone over the next two years: offsets sampled daily (no zone changes twice a day), each change found to the minute. */
export function dstChangesOf(timezone: string, from: Date): DstChange[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
  const offsetAt = (at: number) => offsetMinutes(format, at)
  const changes: DstChange[] = []
  const day = 86_400_000
  const start = Math.floor(from.getTime() / 60_000) * 60_000
  let previous = offsetAt(start)
  for (let at = start + day; at < start + 2 * 366 * day; at += day) {
    const offset = offsetAt(at)
    if (offset === previous) continue
    let before = at - day
    let after = at
    while (after - before > 60_000) {
      const middle = before + Math.floor((after - before) / 120_000) * 60_000
      if (offsetAt(middle) === previous) before = middle
      else after = middle
    }
    const local = new Date(after + previous * 60_000)
    changes.push({
      localMinute: local.getUTCHours() * 60 + local.getUTCMinutes(),
      description: `${local.toISOString().slice(0, 16).replace('T', ' ')} local time, UTC offset ${formatOffset(previous)} → ${formatOffset(offset)}`,
    })
    previous = offset
  }
  return changes
}

function offsetMinutes(format: Intl.DateTimeFormat, at: number): number {
  const name = format.formatToParts(new Date(at)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT'
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  if (!match) return 0
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]))
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const absolute = Math.abs(minutes)
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`
}

function minutesBetween(a: number, b: number): number {
  const difference = (a - b + 1440) % 1440
  return difference > 720 ? difference - 1440 : difference
}
