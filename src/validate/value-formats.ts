import { civilFromDays, daysFromCivil } from '../platform/civil-days.js'

/** Days per month in a non-leap year; index 0 is unused. */
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Whether `text` at `start` holds `length` ASCII digits. Char codes instead of a regex: these run for
 * several columns on every row.
 */
export function isDigits(text: string, start = 0, length = text.length - start): boolean {
  if (length <= 0 || start + length > text.length) return false
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return false
  }
  return true
}

function number(text: string, start: number, length: number): number {
  let value = 0
  for (let i = start; i < start + length; i++) value = value * 10 + (text.charCodeAt(i) - 48)
  return value
}

/** A real calendar date written `yyyymmdd` (V35, V36, V59). */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 8 || !isDigits(text)) return false
  return isValidDay(number(text, 0, 4), number(text, 4, 2), number(text, 6, 2))
}

/** Days since 1970-01-01 of a date already known to be a real `yyyymmdd` date (read periods, V43, V71). */
export function dayNumber(text: string): number {
  return daysFromCivil(number(text, 0, 4), number(text, 4, 2), number(text, 6, 2))
}

/** Day numbers of 0000-01-01 and 9999-12-31: the days written with a four-digit year. */
const FIRST_FOUR_DIGIT_DAY = -719_528
const LAST_FOUR_DIGIT_DAY = 2_932_896

/**
 * The `yyyymmdd` text of a day number. Arithmetic (H. Hinnant's civil_from_days) rather than a `Date`:
 * reports name tens of thousands of days. Days outside years 0–9999 keep the `Date` spelling.
 */
export function dayText(day: number): string {
  if (!Number.isInteger(day) || day < FIRST_FOUR_DIGIT_DAY || day > LAST_FOUR_DIGIT_DAY) {
    return new Date(day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
  }
  const { year, month, day: dayOfMonth } = civilFromDays(day)
  return String(year * 10_000 + month * 100 + dayOfMonth).padStart(8, '0')
}

/** A real date-time written `yyyyMMddHHmmss` (V06). */
export function isDateTime14(text: string): boolean {
  if (text.length !== 14 || !isDigits(text)) return false
  if (!isValidDay(number(text, 0, 4), number(text, 4, 2), number(text, 6, 2))) return false
  return number(text, 8, 2) <= 23 && number(text, 10, 2) <= 59 && number(text, 12, 2) <= 59
}

function isValidDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month] ?? 0)
  return day <= days
}

/** `usage_value` (V56): optional minus, digits, optional `.` and digits; no commas, exponent or unit. */
export const USAGE_VALUE_FORMAT = /^-?\d+(\.\d+)?$/

/** `usage_charge` (V64): at most two decimals, no currency symbol. */
export const USAGE_CHARGE_FORMAT = /^-?\d+(\.\d{1,2})?$/

/** Whether a number already known to match {@link USAGE_VALUE_FORMAT} is zero (`0`, `-0.00`). */
export function isZeroNumber(text: string): boolean {
  return !/[1-9]/.test(text)
}

/**
 * Whether a number already known to match {@link USAGE_VALUE_FORMAT} exceeds `max` (a whole number).
 * Compared as text, so `999999999.0000001` counts as above 999999999 (a double would round it away).
 */
export function exceedsWholeNumber(text: string, max: number): boolean {
  if (text.startsWith('-')) return false
  const dot = text.indexOf('.')
  const whole = (dot < 0 ? text : text.slice(0, dot)).replace(/^0+(?=\d)/, '')
  const limit = String(max)
  if (whole.length !== limit.length) return whole.length > limit.length
  if (whole !== limit) return whole > limit
  return dot >= 0 && /[1-9]/.test(text.slice(dot + 1))
}

/** The day number of `text[start, end)` as a real `yyyymmdd` date, or -1 (char codes, no strings made). */
export function calendarDayAt(text: string, start: number, end: number): number {
  if (end - start !== 8) return -1
  let value = 0
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  const year = Math.floor(value / 10000)
  const month = Math.floor(value / 100) % 100
  const day = value % 100
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1
  return daysFromCivil(year, month, day)
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}



/**
 * `text[start, end)` as a positive whole number without leading zeros (`/^[1-9]\d*$/`), else -1. Char
 * codes instead of a regex and `Number`: several rules read `duration` on every row.
 */
export function positiveIntegerAt(text: string, start: number, end: number): number {
  if (end <= start || text.charCodeAt(start) === 48) return -1
  let value = 0
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  // Past 15 digits the running sum may round differently from Number's parse of the whole text.
  return end - start > 15 ? Number(text.slice(start, end)) : value
}

/**
 * Whether `text[start, end)` is an optional minus, digits, and optionally `.` and 1 to `maxDecimals`
 * digits: {@link USAGE_VALUE_FORMAT} (`maxDecimals` Infinity) and {@link USAGE_CHARGE_FORMAT} (2) without a
 * regex or a cut string, for the rules that judge every row.
 */
export function isDecimalAt(text: string, start: number, end: number, maxDecimals: number): boolean {
  let i = start
  if (i < end && text.charCodeAt(i) === 45) i++
  const wholeStart = i
  while (i < end && isDigitCode(text.charCodeAt(i))) i++
  if (i === wholeStart) return false
  if (i === end) return true
  if (text.charCodeAt(i) !== 46) return false
  const fractionStart = ++i
  while (i < end && isDigitCode(text.charCodeAt(i))) i++
  return i === end && i > fractionStart && i - fractionStart <= maxDecimals
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57
}
