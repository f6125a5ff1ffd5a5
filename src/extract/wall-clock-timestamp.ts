/**
 * Timestamps on the database's own wall clock, as text `YYYY-MM-DD HH:MM:SS.ffffff` (the form of
 * `SourceDialect.currentTimestampQuery`). Arithmetic is done on that naive scale, never through the
 * process time zone, so a window bound moves exactly by the seconds asked for.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/

export function isWallClockTimestamp(text: string): boolean {
  return TIMESTAMP.test(text.trim())
}

/** Shifts a timestamp by whole seconds (negative: earlier), keeping the microseconds. */
export function shiftTimestamp(text: string, seconds: number): string {
  const match = TIMESTAMP.exec(text.trim())
  if (!match) throw new Error(`internal: "${text}" is not a YYYY-MM-DD HH:MM:SS timestamp`)
  const [, y, mo, d, h, mi, s, fraction = ''] = match as unknown as string[]
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + seconds * 1000
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${fraction.padEnd(6, '0')}`
}

/** The first instant of a `YYYY-MM-DD` day. */
export function startOfDay(date: string): string {
  return `${date} 00:00:00.000000`
}

/**
 * The bound as it is bound to the query: without a zero fraction, so it compares equal to a value stored
 * without one where timestamps are text (SQLite); other databases parse either form into the column's type.
 */
export function timestampBinding(text: string): string {
  return text.replace(/\.0{1,6}$/, '').replace(/(\.\d*?)0+$/, '$1')
}
