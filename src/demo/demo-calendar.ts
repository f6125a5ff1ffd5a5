import { civilFromDays, daysFromCivil } from '../platform/civil-days.js'

/**
 * Calendar arithmetic on day numbers (days since 1970-01-01) and microsecond timestamps, with no time
 * zone: the demo stores naive local dates and timestamps as text, and the same day number must always
 * give the same text, whatever `TZ` the machine runs in. (Algorithms from Howard Hinnant's
 * "chrono-Compatible Low-Level Date Algorithms".)
 */
export const MICROS_PER_DAY = 86_400_000_000
export const MICROS_PER_SECOND = 1_000_000

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The day number of a `YYYY-MM-DD` text, or `undefined` when it is not a real calendar date. */
export function dayOf(text: string): number | undefined {
  const match = ISO_DATE.exec(text)
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined
  const result = daysFromCivil(year, month, day)
  // 2025-02-30 parses, but comes back as 2025-03-02: not a real date.
  return dateText(result) === text ? result : undefined
}

export function monthOf(dayNumber: number): number {
  return civilFromDays(dayNumber).month
}

// A generated database formats the same few thousand days millions of times.
const dateTextCache = new Map<number, string>()

/** `YYYY-MM-DD` of a day number. */
export function dateText(dayNumber: number): string {
  let text = dateTextCache.get(dayNumber)
  if (text === undefined) {
    const { year, month, day } = civilFromDays(dayNumber)
    text = `${String(year).padStart(4, '0')}-${pad(month, 2)}-${pad(day, 2)}`
    dateTextCache.set(dayNumber, text)
  }
  return text
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` of a count of microseconds since 1970-01-01 00:00:00. */
export function timestampText(micros: number): string {
  const dayNumber = Math.floor(micros / MICROS_PER_DAY)
  let rest = micros - dayNumber * MICROS_PER_DAY
  const fraction = rest % MICROS_PER_SECOND
  rest = (rest - fraction) / MICROS_PER_SECOND
  const seconds = rest % 60
  rest = (rest - seconds) / 60
  const minutes = rest % 60
  const hours = (rest - minutes) / 60
  return `${dateText(dayNumber)} ${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(fraction, 6)}`
}

/** Microseconds at `hours:minutes:seconds` of a day. */
export function microsAt(dayNumber: number, hours = 0, minutes = 0, seconds = 0, fraction = 0): number {
  return dayNumber * MICROS_PER_DAY + ((hours * 60 + minutes) * 60 + seconds) * MICROS_PER_SECOND + fraction
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}
