import type { LoadedMapping } from '../config/load-mapping.js'
import type { Source } from '../source/create-source.js'
import { finding, type Finding } from './check-finding.js'

/**
 * Incrementals select rows by their last-update column; without an index that leads with it, each run
 * scans the whole table. Only `alias.column` expressions over declared tables can be looked up.
 */
export async function indexFindings(loaded: LoadedMapping, source: Source): Promise<Finding[]> {
  const { mapping, where } = loaded
  const findings: Finding[] = []
  const indexQuery = source.dialect.indexLeadingColumnsQuery?.bind(source.dialect)
  for (const [entity, change] of Object.entries(mapping.changeDetection)) {
    if (!change.timestamp) continue
    const path = ['change_detection', entity, 'timestamp']
    const column = /^\s*([A-Za-z_][\w]*)\.([A-Za-z_][\w$#]*)\s*$/.exec(change.timestamp)
    const table = column ? tableOfAlias(loaded, column[1]!) : undefined
    if (!column || !table) {
      findings.push(finding('info', 'index', `${where(path)}: ${change.timestamp} is not a column of a declared table; cannot tell whether it is indexed`))
      continue
    }
    if (!indexQuery) {
      findings.push(finding('info', 'index', `${where(path)}: the ${mapping.source.dialect} dialect cannot tell whether ${table}.${column[2]} is indexed; ask the DBA`))
      continue
    }
    const query = indexQuery(table)
    const leading = new Set((await source.query(query.sql, query.bindings)).map((row) => (row[0] ?? '').toLowerCase()))
    findings.push(
      leading.has(column[2]!.toLowerCase())
        ? finding('ok', 'index', `${table}.${column[2]} (${entity} changes) is indexed`)
        : finding('warning', 'index', `${where(path)}: no index of ${table} starts with ${column[2]}: every incremental scans the whole table`, `ask the DBA for an index on ${table} (${column[2]})`),
    )
  }
  return findings
}

function tableOfAlias(loaded: LoadedMapping, alias: string): string | undefined {
  const query = loaded.mapping.query
  if (query.kind !== 'tables') return undefined
  return [query.from, ...query.joins].find((table) => table.as.toLowerCase() === alias.toLowerCase())?.table
}
