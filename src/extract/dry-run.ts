import type { Mapping } from '../config/mapping.js'
import type { Source } from '../source/create-source.js'
import type { HistoricalWindow } from './extract-window.js'
import { buildReadCountQuery, buildReadQuery, sqlOf, type ReadFilter } from './read-query.js'
import { describeSortPlace, specOrderReadQuery } from './read-records-in-spec-order.js'

/** What `extract --dry-run` shows: the window, the SQL with its bound values, and counts; nothing is written. */
export async function describeDryRun(mapping: Mapping, source: Source, window: HistoricalWindow, premises: readonly string[] | undefined): Promise<string[]> {
  const filter: ReadFilter = { from: window.from, toExclusive: window.toExclusive, ...(premises ? { premises: premises.slice(0, 900) } : {}) }
  const fullQuery = premises ? undefined : specOrderReadQuery(source.dialect, mapping, filter)
  // The counts run over the same rows without the ORDER BY: PostgreSQL refuses a DISTINCT subquery
  // ordered by what it does not select.
  const query = buildReadQuery(mapping, source.dialect, filter)
  // A sample's premise lists are queried one by one and merged by the sort on disk.
  const order = fullQuery ? describeSortPlace(fullQuery.sortedBy) : 'sorted on disk by the extract, all premise lists together'
  const lines = [`window: date_to from ${window.from} to ${window.end} (inclusive; bound as ${filter.from} ≤ date_to < ${filter.toExclusive})`]
  if (premises) lines.push(`sample: ${premises.length} premises, read in ${Math.max(1, Math.ceil(premises.length / 900))} queries of up to 900 premises (the first is shown)`)
  const shown = fullQuery ?? query
  lines.push(`SQL (reads ${order}):`, shown.sql, `bindings: ${JSON.stringify(shorten(shown.bindings))}`)
  if (premises) return lines

  const count = buildReadCountQuery(mapping, source.dialect, filter)
  const [total] = await source.query(count.sql, count.bindings)
  lines.push(`reads in window: ${total?.[0] ?? 0}`)
  const byMonthAndFuel = await source.query(
    `SELECT fuel, read_month, COUNT(*) FROM (SELECT DISTINCT ${mapping.reads.key} AS read_key, ${mapping.usage.fuel} AS fuel, ${source.dialect.formatDate(mapping.reads.dateTo)} AS read_month FROM ${fromOf(query.sql)}) reads GROUP BY fuel, read_month`,
    query.bindings,
  )
  const fuels = new Map<string, number>()
  const months = new Map<string, number>()
  for (const [fuel, day, n] of byMonthAndFuel) {
    const fuelName = mapping.usage.fuels.find((f) => f.match.includes((fuel ?? '').trim()))?.name ?? `unmatched (${fuel ?? 'NULL'})`
    fuels.set(fuelName, (fuels.get(fuelName) ?? 0) + Number(n))
    const month = (day ?? '').slice(0, 6)
    months.set(month, (months.get(month) ?? 0) + Number(n))
  }
  lines.push(`reads by fuel: ${[...fuels].map(([k, v]) => `${k} ${v}`).join(', ')}`)
  lines.push(...(await accountsByStatus(mapping, source, window, query)))
  lines.push('reads by month:', ...[...months].sort().map(([month, n]) => `  ${month.slice(0, 4)}-${month.slice(4)}  ${n}`))
  return lines
}

/**
 * Accounts with reads in the window, active or inactive as of the end date: an inactive date after the end
 * date is not known yet then, so such an account counts as active (it is written with a blank inactive date).
 */
async function accountsByStatus(mapping: Mapping, source: Source, window: HistoricalWindow, query: { sql: string; bindings: readonly unknown[] }): Promise<string[]> {
  const bySql = (column: string) => mapping.columns.get(column)?.source.kind === 'sql'
  if (!bySql('account_id') || !bySql('inactive_date')) return ['accounts by status: not counted (account_id and inactive_date are not both mapped with sql)']
  const inactive = source.dialect.formatDate(sqlOf(mapping, 'inactive_date'))
  const rows = await source.query(
    `SELECT account_status, COUNT(*) FROM (SELECT DISTINCT ${sqlOf(mapping, 'account_id')} AS account_key, ` +
      `CASE WHEN ${inactive} IS NULL OR ${inactive} > ? THEN 'active' ELSE 'inactive' END AS account_status ` +
      `FROM ${fromOf(query.sql)}) accounts GROUP BY account_status`,
    [window.end.replaceAll('-', ''), ...query.bindings],
  )
  const count = (status: string) => Number(rows.find(([name]) => name === status)?.[1] ?? 0)
  return [`accounts as of ${window.end}: ${count('active')} active, ${count('inactive')} inactive`]
}

/** The FROM … WHERE part of a built read query, to count over the same rows. */
function fromOf(sql: string): string {
  return sql.slice(sql.indexOf('\nFROM ') + 6)
}

function shorten(bindings: readonly unknown[]): unknown[] {
  return bindings.length > 12 ? [...bindings.slice(0, 12), `… ${bindings.length - 12} more`] : [...bindings]
}
