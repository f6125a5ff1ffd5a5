import type { Mapping } from '../config/mapping.js'
import type { SourceDialect } from '../source/source-dialect.js'
import { namedToPositional } from './named-parameters.js'

/** The role of each field of a read-query row, so later stages read fields by position, not by name. */
export interface ReadQueryFields {
  readonly readKey: number
  readonly dateTo: number
  readonly startDate: number | undefined
  readonly duration: number | undefined
  readonly version: number | undefined
  readonly quantity: number
  readonly unit: number
  readonly fuel: number
  readonly detailKey: number | undefined
  /** Field of `ReadFilter.flag`: '1' where the row meets it. */
  readonly flag: number | undefined
  /** Field index of each spec column mapped with `sql`. */
  readonly columns: ReadonlyMap<string, number>
  readonly count: number
}

/** A compiled read query: SQL with `?` placeholders and its bindings (never values spliced into SQL). */
export interface ReadQuery {
  readonly sql: string
  readonly bindings: readonly unknown[]
  readonly fields: ReadQueryFields
}

/** A SQL condition with its `?` bindings, in order. */
export interface SqlCondition {
  readonly sql: string
  readonly bindings: readonly unknown[]
}

/** Restrictions of one extract: the read-date window and, for samples, a list of premises. */
export interface ReadFilter {
  /** Inclusive first read date, YYYY-MM-DD. */
  readonly from: string
  /** Exclusive upper bound: the day after the end date, YYYY-MM-DD. */
  readonly toExclusive: string
  readonly premises?: readonly string[]
  /** Incremental: a further condition (the change window, changed entities). */
  readonly where?: SqlCondition
  /** Incremental: a condition each row reports as a field (`ReadQueryFields.flag`) instead of being filtered by it. */
  readonly flag?: SqlCondition
}

/**
 * Builds the read query of a mapping: one row per usage quantity, with every mapped column. Dates are
 * formatted in SQL (no time-zone shift in a driver), versions as full-precision text.
 */
export function buildReadQuery(mapping: Mapping, dialect: SourceDialect, filter: ReadFilter): ReadQuery {
  const select: string[] = []
  const add = (expression: string) => select.push(expression) - 1
  const { reads, usage } = mapping
  const readKey = add(reads.key)
  const dateTo = add(dialect.formatDate(reads.dateTo))
  const startDate = reads.startDate !== undefined ? add(dialect.formatDate(reads.startDate)) : undefined
  const duration = reads.duration !== undefined ? add(dialect.formatNumber(reads.duration)) : undefined
  const version =
    reads.version === undefined
      ? undefined
      : add(reads.versionType === 'timestamp' ? dialect.formatTimestamp(reads.version) : dialect.formatNumber(reads.version))
  const quantity = add(dialect.formatNumber(usage.quantity))
  const unit = add(usage.unit)
  const fuel = add(usage.fuel)
  const detailKey = usage.detailKey !== undefined ? add(usage.detailKey) : undefined
  const flag = filter.flag ? add(`CASE WHEN ${filter.flag.sql} THEN '1' ELSE '0' END`) : undefined
  const columns = new Map<string, number>()
  for (const rule of mapping.columns.values()) {
    if (rule.source.kind !== 'sql') continue
    const expression = rule.format === 'date' ? dialect.formatDate(rule.source.sql) : rule.source.sql
    columns.set(rule.name, add(expression))
  }

  const { from, bindings: fromBindings } = fromClause(mapping, dialect)
  const bindings = [...(filter.flag?.bindings ?? []), ...fromBindings]
  const where = whereClause(mapping, dialect, filter, bindings)
  const sql = `SELECT ${select.map((expression, i) => `${expression} AS f${i}`).join(', ')}\nFROM ${from}\nWHERE ${where}`
  return {
    sql,
    bindings,
    fields: { readKey, dateTo, startDate, duration, version, quantity, unit, fuel, detailKey, flag, columns, count: select.length },
  }
}

/** Counts the distinct source read keys the read query covers, for reconciliation. */
export function buildReadCountQuery(mapping: Mapping, dialect: SourceDialect, filter: ReadFilter): { sql: string; bindings: unknown[] } {
  const { from, bindings } = fromClause(mapping, dialect)
  const where = whereClause(mapping, dialect, filter, bindings)
  return { sql: `SELECT COUNT(*) FROM (SELECT DISTINCT ${mapping.reads.key} AS read_key FROM ${from} WHERE ${where}) counted`, bindings }
}

/** Lists the distinct premises in the window with their number of accounts, for the sample pick. */
export function buildPremiseQuery(mapping: Mapping, dialect: SourceDialect, filter: ReadFilter): { sql: string; bindings: unknown[] } {
  const premise = sqlOf(mapping, 'premise_id')
  const account = sqlOf(mapping, 'account_id')
  const { from, bindings } = fromClause(mapping, dialect)
  const where = whereClause(mapping, dialect, { from: filter.from, toExclusive: filter.toExclusive }, bindings)
  return {
    sql: `SELECT ${premise} AS premise_id, COUNT(DISTINCT ${account}) AS accounts FROM ${from} WHERE ${where} GROUP BY ${premise}`,
    bindings,
  }
}

/**
 * The distinct service points of the read query's rows (unordered; a caller orders them by the database's
 * own collation): chunk bounds taken from them split the reads into ranges the same database puts every
 * service point in exactly one of. NULL service points are left out here and go to the first chunk.
 */
export function buildServicePointQuery(mapping: Mapping, dialect: SourceDialect, filter: ReadFilter): { sql: string; bindings: unknown[] } {
  const servicePoint = sqlOf(mapping, 'service_point_id')
  const { from, bindings } = fromClause(mapping, dialect)
  const where = whereClause(mapping, dialect, filter, bindings)
  return {
    sql: `SELECT DISTINCT ${servicePoint} AS service_point_id FROM ${from} WHERE ${where}\n  AND ${servicePoint} IS NOT NULL`,
    bindings,
  }
}

/** The FROM of the read query (tables and joins, or the hand-written SELECT) with its bindings. */
export function fromClause(mapping: Mapping, dialect: SourceDialect): { from: string; bindings: unknown[] } {
  const query = mapping.query
  if (query.kind === 'select') {
    const { sql, bindings } = namedToPositional(query.select, query.parameters, `${mapping.file} select`)
    return { from: `(${sql}) src`, bindings }
  }
  const table = (name: string) => dialect.quoteTable(name)
  const joins = query.joins.map((join) => `${join.type === 'left' ? 'LEFT JOIN' : 'JOIN'} ${table(join.table)} ${join.as} ON ${join.on}`)
  return { from: [`${table(query.from.table)} ${query.from.as}`, ...joins].join('\n'), bindings: [] }
}

function whereClause(mapping: Mapping, dialect: SourceDialect, filter: ReadFilter, bindings: unknown[]): string {
  const conditions: string[] = []
  if (mapping.query.kind === 'tables' && mapping.query.where) conditions.push(`(${mapping.query.where})`)
  // Half-open on the day after the end date, so a TIMESTAMP read date on the end date is included.
  conditions.push(`${mapping.reads.dateTo} >= ${dialect.dateParam()}`, `${mapping.reads.dateTo} < ${dialect.dateParam()}`)
  bindings.push(filter.from, filter.toExclusive)
  if (filter.where) {
    conditions.push(`(${filter.where.sql})`)
    bindings.push(...filter.where.bindings)
  }
  if (filter.premises) {
    conditions.push(`${sqlOf(mapping, 'premise_id')} IN (${filter.premises.map(() => '?').join(', ')})`)
    bindings.push(...filter.premises)
  }
  return conditions.join('\n  AND ')
}

/** The SQL expression of a column mapped with `sql`. */
export function sqlOf(mapping: Mapping, column: string): string {
  const source = mapping.columns.get(column)?.source
  if (source?.kind !== 'sql') throw new Error(`${column} must be mapped with sql`)
  return source.sql
}
