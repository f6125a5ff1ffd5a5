import type { Mapping } from '../config/mapping.js'
import { ENTITIES } from '../config/mapping.schema.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { SourceDialect } from '../source/source-dialect.js'
import { addDays } from './calendar-date.js'
import type { IncrementalWindow } from './incremental-window.js'
import { fromClause, sqlOf, type ReadFilter, type SqlCondition } from './read-query.js'
import { timestampBinding } from './wall-clock-timestamp.js'

/** Read dates are not bounded above in an incremental: a correction or a new bill may carry any date. */
const NO_END = '9999-12-31'

/** Keys per query of a `--keys` backfill: within every database's parameter limit (Oracle IN lists ≤ 1000). */
const KEYS_PER_QUERY = 900

/**
 * The read filters of an incremental. Rows are taken when
 * - the read changed in the window (`reads` change detection), flagged so later stages know, or
 * - the read is the latest one of a service point and account whose attributes may have changed: every
 *   one when an entity is detected by `diff` (compared with the accepted values later), else those whose
 *   entity's last-update falls in the window.
 * A `--keys` backfill takes exactly the given reads, or every read of the given accounts.
 */
export function incrementalFilters(mapping: Mapping, dialect: SourceDialect, window: IncrementalWindow): ReadFilter[] {
  const base = { from: window.historyFrom, toExclusive: NO_END }
  if (window.keys) {
    const filters: ReadFilter[] = []
    const chunks = (keys: readonly string[], expression: string) => {
      for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
        const chunk = keys.slice(i, i + KEYS_PER_QUERY)
        filters.push({ ...base, where: { sql: `${expression} IN (${chunk.map(() => '?').join(', ')})`, bindings: chunk } })
      }
    }
    chunks(window.keys.reads, mapping.reads.key)
    chunks(window.keys.accounts, sqlOf(mapping, 'account_id'))
    return filters
  }
  const changed = readWindowCondition(mapping, dialect, window)
  if (!changed) return [base] // reads detected by diff: every read is compared with the accepted one
  const latest = latestReadOfChangedEntities(mapping, dialect, window)
  return [{ ...base, where: { sql: `(${changed.sql}) OR ${latest.sql}`, bindings: [...changed.bindings, ...latest.bindings] }, flag: changed }]
}

function readWindowCondition(mapping: Mapping, dialect: SourceDialect, window: IncrementalWindow): SqlCondition | undefined {
  const detection = mapping.changeDetection.reads
  if (detection?.diff) return undefined
  if (!detection?.timestamp) {
    throw new ToolkitError('MAPPING_INVALID', `${mapping.file}: change_detection.reads is missing; an incremental needs it`, {
      hint: 'give the last-update expression of a read, e.g. change_detection: { reads: { timestamp: bs.stat_chg_dttm } }, or { diff: true }',
    })
  }
  const changed = detection.timestamp
  const at = dialect.timestampParam()
  const inWindow = `${changed} >= ${at} AND ${changed} < ${at}`
  const bounds = [timestampBinding(window.lower), timestampBinding(window.upper)]
  if (window.asOf === undefined) return { sql: inWindow, bindings: bounds }
  // First incremental after a historical as of D: reads dated after D whatever their change time.
  return {
    sql: `(${mapping.reads.dateTo} >= ${dialect.dateParam()} OR ${changed} >= ${at}) AND ${changed} < ${at}`,
    bindings: [addDays(window.asOf, 1), ...bounds],
  }
}

/** `read key IN (the latest read of each service point and account [whose entity changed in the window])`. */
function latestReadOfChangedEntities(mapping: Mapping, dialect: SourceDialect, window: IncrementalWindow): SqlCondition {
  const { from, bindings } = fromClause(mapping, dialect)
  const conditions = [`${mapping.reads.dateTo} >= ${dialect.dateParam()}`]
  bindings.push(window.historyFrom)
  if (mapping.query.kind === 'tables' && mapping.query.where) conditions.unshift(`(${mapping.query.where})`)
  const stamps = ENTITIES.filter((entity) => entity !== 'reads').map((entity) => mapping.changeDetection[entity]?.timestamp)
  if (stamps.every((stamp) => stamp !== undefined)) {
    const at = dialect.timestampParam()
    conditions.push(`(${stamps.map((stamp) => `(${stamp} >= ${at} AND ${stamp} < ${at})`).join(' OR ')})`)
    for (let i = 0; i < stamps.length; i++) bindings.push(timestampBinding(window.lower), timestampBinding(window.upper))
  }
  const order = [mapping.reads.dateTo, mapping.reads.version, mapping.reads.key].filter((e) => e !== undefined).map((e) => `${e} DESC`)
  const partition = `${sqlOf(mapping, 'service_point_id')}, ${sqlOf(mapping, 'account_id')}`
  const sql =
    `${mapping.reads.key} IN (SELECT latest_key FROM (SELECT ${mapping.reads.key} AS latest_key, ` +
    `ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${order.join(', ')}) AS latest_rank ` +
    `FROM ${from} WHERE ${conditions.join(' AND ')}) latest WHERE latest_rank = 1)`
  return { sql, bindings }
}
