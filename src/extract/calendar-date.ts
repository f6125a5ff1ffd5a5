/**
 * Calendar-date arithmetic on `YYYY-MM-DD` / `yyyymmdd` strings, done on the UTC scale so the process time
 * zone never shifts a day.
 */
export function isCalendarDate(value: string): boolean {
  const parts = dateParts(value)
  if (parts !== undefined) return parts >= 0
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value)
  if (!match) return false
  const [, y, m, d] = match as unknown as [string, string, string, string]
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` or `yyyymmdd` date. */
export function dayNumber(value: string): number {
  const parts = dateParts(value)
  if (parts !== undefined && parts >= 0) {
    return Date.UTC(Math.floor(parts / 10_000), (Math.floor(parts / 100) % 100) - 1, parts % 100) / 86_400_000
  }
  const digits = value.replaceAll('-', '')
  return Date.UTC(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)) - 1, Number(digits.slice(6, 8))) / 86_400_000
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * The two usual spellings, read without a regex or a Date (this runs for every source row): the date as
 * yyyymmdd, -1 when it is no calendar date, undefined for any other spelling (the general code decides).
 * Years below 100 are no calendar date, as with `Date.UTC`, which reads them as 19xx.
 */
function dateParts(value: string): number | undefined {
  let year: number
  let month: number
  let day: number
  if (value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    year = digitsAt(value, 0, 4)
    month = digitsAt(value, 5, 2)
    day = digitsAt(value, 8, 2)
  } else if (value.length === 8) {
    year = digitsAt(value, 0, 4)
    month = digitsAt(value, 4, 2)
    day = digitsAt(value, 6, 2)
  } else {
    return undefined
  }
  if (year < 0 || month < 0 || day < 0) return -1
  if (year < 100 || month < 1 || month > 12 || day < 1) return -1
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return -1
  return year * 10_000 + month * 100 + day
}

/** The number written by `count` ASCII digits at `start`, or -1. */
function digitsAt(value: string, start: number, count: number): number {
  let number = 0
  for (let i = start; i < start + count; i++) {
    const digit = value.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    number = number * 10 + digit
  }
  return number
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(value: string, days: number): string {
  return new Date((dayNumber(value) + days) * 86_400_000).toISOString().slice(0, 10)
}

/** `YYYY-MM-DD` → `yyyymmdd`. */
export function compactDate(value: string): string {
  return value.replaceAll('-', '')
}
