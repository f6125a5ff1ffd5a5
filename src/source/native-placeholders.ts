/** Generated SQL rewritten into a driver's own placeholder syntax, with facts the driver's limits are checked on. */
export interface NativeSql {
  readonly sql: string
  /** Placeholders found; always equal to the number of bindings (anything else throws). */
  readonly placeholders: number
  /** The longest run of placeholders separated only by commas: the largest `IN (…)` list. */
  readonly longestList: number
}

/**
 * Rewrites the `?` placeholders of generated SQL into a driver's own form (`:1` for Oracle, `@p0` for
 * SQL Server). A `?` inside a quoted string, a quoted identifier or a comment is text, not a placeholder:
 * knex's own rewriting replaces every `?` (knex #3823), which breaks a mapping expression such as
 * `CASE WHEN x = '?' …`. A count that differs from the bindings is refused, so no value can end up
 * in the wrong place.
 */
export function toNativePlaceholders(sql: string, bindings: readonly unknown[], render: (index: number) => string): NativeSql {
  let out = ''
  let placeholders = 0
  let run = 0
  let longestList = 0
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]!
    let stop = i + 1
    if (ch === "'" || ch === '"' || ch === '[') {
      const close = ch === '[' ? ']' : ch
      const end = sql.indexOf(close, i + 1)
      stop = end < 0 ? sql.length : end + 1
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i)
      stop = end < 0 ? sql.length : end
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2)
      stop = end < 0 ? sql.length : end + 2
    }
    if (ch === '?') {
      out += render(placeholders++)
      longestList = Math.max(longestList, ++run)
    } else {
      out += sql.slice(i, stop)
      if (ch !== ',' && !/\s/.test(ch)) run = 0
    }
    i = stop
  }
  if (placeholders !== bindings.length) {
    throw new Error(`the generated SQL has ${placeholders} placeholders but ${bindings.length} values to bind: ${sql.slice(0, 200)}`)
  }
  return { sql: out, placeholders, longestList }
}
