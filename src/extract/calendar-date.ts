/**
 * Calendar-date arithmetic on `YYYY-MM-DD` / `yyyymmdd` strings, done on the UTC scale so the process time
 * zone never shifts a day.
 */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value)
  if (!match) return false
  const [, y, m, d] = match as unknown as [string, string, string, string]
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` or `yyyymmdd` date. */
export function dayNumber(value: string): number {
  const digits = value.replaceAll('-', '')
  return Date.UTC(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)) - 1, Number(digits.slice(6, 8))) / 86_400_000
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(value: string, days: number): string {
  return new Date((dayNumber(value) + days) * 86_400_000).toISOString().slice(0, 10)
}

/** `YYYY-MM-DD` → `yyyymmdd`. */
export function compactDate(value: string): string {
  return value.replaceAll('-', '')
}
