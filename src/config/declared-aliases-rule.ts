import { didYouMean } from './did-you-mean.js'
import type { MappingContext } from './mapping-rules.js'

/** `alias.column` in SQL text, not followed by `(` (a package function such as DBMS_LOB.SUBSTR). */
const QUALIFIED = /\b([A-Za-z_][\w$#]*)\.[A-Za-z_][\w$#]*\b(?!\s*\()/g

/**
 * Every `alias.column` in the mapping's SQL names a table declared in `from` or `joins` (a join's `on`
 * only those declared up to it): a missing join is reported at the line that uses it, with the closest
 * declared alias, instead of as a database error at run time. Not applied to `select` mappings.
 */
export function sqlUsesDeclaredAliases({ written, error }: MappingContext): void {
  if (written.select || !written.from) return
  const joins = written.joins ?? []
  const all = [written.from.as, ...joins.map((join) => join.as)]
  const check = (path: PropertyKey[], sql: string | undefined, declared: readonly string[]) => {
    if (sql === undefined) return
    const known = new Set(declared.map((alias) => alias.toLowerCase()))
    const reported = new Set<string>()
    for (const match of withoutLiterals(sql).matchAll(QUALIFIED)) {
      const alias = match[1]!
      if (known.has(alias.toLowerCase()) || reported.has(alias.toLowerCase())) continue
      reported.add(alias.toLowerCase())
      const later = all.some((candidate) => candidate.toLowerCase() === alias.toLowerCase())
      const suggestion = didYouMean(alias, declared)
      error(
        path,
        later ? `"${alias}" is joined only after this join; its on may use ${declared.join(', ')}` : `"${alias}" is not a table alias of from or joins (declared: ${all.join(', ')})`,
        later ? 'move the join of that table before this one' : `${suggestion ? `did you mean "${suggestion}"? Otherwise ` : ''}add a join { table: <table>, as: ${alias}, on: <condition> }`,
      )
    }
  }
  check(['where'], written.where, all)
  joins.forEach((join, index) => check(['joins', index, 'on'], join.on, all.slice(0, index + 2)))
  for (const [key, value] of Object.entries(written.reads)) if (typeof value === 'string' && key !== 'start_convention' && key !== 'version_type') check(['reads', key], value, all)
  for (const key of ['quantity', 'unit', 'fuel', 'detail_key'] as const) check(['usage', key], written.usage[key], all)
  for (const [entity, change] of Object.entries(written.change_detection ?? {})) check(['change_detection', entity, 'timestamp'], change?.timestamp, all)
  for (const [name, column] of Object.entries(written.columns)) check(['columns', name, 'sql'], column.sql, all)
}

/** Blanks out '…' literals (with '' escapes) so text inside them is not read as an alias. */
function withoutLiterals(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "''")
}
