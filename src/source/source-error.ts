import type { Mapping } from '../config/mapping.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { SourceDialect } from './source-dialect.js'

export interface SourceErrorContext {
  readonly mapping: Mapping
  readonly dialect: SourceDialect
  readonly sql?: string
  /** The error came from the connection itself (socket reset, server-side kill), not from a statement. */
  readonly lost?: boolean
}

/**
 * Turns a driver error into a SOURCE_* error that says what to fix: which mapping key names the missing
 * table or column, or which connection key to check; the database's own message is always quoted.
 * Errors that are not the database's (a bug, an abort) pass through unchanged.
 */
export function sourceError(cause: unknown, context: SourceErrorContext): Error {
  if (cause instanceof ToolkitError) return cause
  const { mapping, dialect, sql } = context
  const failure = dialect.classifyError(cause)
  if (!failure && !context.lost) return cause instanceof Error ? cause : new Error(String(cause))
  const message = cause instanceof Error ? cause.message : String(cause)
  const database = `the ${dialect.name} database`
  const sqlDetails = sql ? [`SQL: ${sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql}`] : []
  const kind = context.lost ? 'lost' : failure!.kind
  switch (kind) {
    case 'unreachable':
      return new ToolkitError('SOURCE_CONNECT_FAILED', `${mapping.file} source.connection: cannot reach ${database}${where(mapping)}: ${message}`, {
        cause,
        hint: 'check source.connection (host, port, filename) and that the database accepts connections from this host; retry later if it is down',
      })
    case 'access':
      return new ToolkitError(
        'SOURCE_ACCESS_DENIED',
        `${mapping.file} source.connection: ${database} refused ${failure?.object ? `access to ${failure.object}` : 'the login'}${where(mapping)}: ${message}`,
        {
          cause,
          details: sqlDetails,
          hint: 'check source.connection.user, password and database (and that the user may SELECT the mapped tables)',
        },
      )
    case 'missing-table': {
      const keys = keysMentioning(mapping, failure?.object, 'table')
      return new ToolkitError('SOURCE_TABLE_MISSING', `${mapping.file} ${keys ?? 'from/joins'}: table ${failure?.object ?? '(unnamed)'} does not exist in ${database}: ${message}`, {
        cause,
        details: sqlDetails,
        hint: 'correct the table name in the mapping (schema prefix, spelling) or grant the user access to it',
      })
    }
    case 'missing-column': {
      const keys = keysMentioning(mapping, failure?.object, 'column')
      return new ToolkitError('SOURCE_COLUMN_MISSING', `${mapping.file} ${keys ?? 'columns'}: column ${failure?.object ?? '(unnamed)'} does not exist in ${database}: ${message}`, {
        cause,
        details: sqlDetails,
        hint: 'correct the column in the mapping expression; `opower-extract check` prints the SQL per phase',
      })
    }
    case 'lost':
      return new ToolkitError('SOURCE_CONNECTION_LOST', `${mapping.file} source: the connection to ${database} was lost during the extract: ${message}`, {
        cause,
        details: sqlDetails,
        hint: 'no file was written under a final name and the state is unchanged; rerun. If it repeats, ask the DBA whether sessions are being killed or time out',
      })
    case 'query':
      return new ToolkitError('SOURCE_QUERY_FAILED', `${mapping.file}: ${database} refused the extract query: ${message}`, {
        cause,
        details: sqlDetails,
        hint: 'an expression in the mapping is not valid SQL for this database; `opower-extract check` prints the SQL per phase',
      })
  }
}

/** ` (host:port/database)` from the mapping as written (references, never resolved secrets). */
function where(mapping: Mapping): string {
  const { host, port, database, filename, connect_string } = mapping.source.connection
  const target = filename ?? connect_string ?? [host, port].filter((part) => part !== undefined).join(':') + (database !== undefined ? `/${database}` : '')
  return target ? ` (${target})` : ''
}

/**
 * The mapping keys whose SQL mentions `name` (case-insensitive, as a whole word). A column the database
 * names qualified (`sp.sp_typ`) is also looked for as written in the mapping; an unqualified one also
 * after any alias.
 */
export function keysMentioning(mapping: Mapping, name: string | undefined, what: 'table' | 'column'): string | undefined {
  if (!name) return undefined
  const candidates: [string, string][] = []
  const query = mapping.query
  if (query.kind === 'tables') {
    if (what === 'table') {
      candidates.push(['from.table', query.from.table])
      query.joins.forEach((join, i) => candidates.push([`joins[${i}].table`, join.table]))
    } else {
      query.joins.forEach((join, i) => candidates.push([`joins[${i}].on`, join.on]))
      if (query.where) candidates.push(['where', query.where])
    }
  } else {
    candidates.push(['select', query.select])
  }
  if (what === 'column') {
    const { reads, usage } = mapping
    const optional: [string, string | undefined][] = [
      ['reads.key', reads.key],
      ['reads.date_to', reads.dateTo],
      ['reads.start_date', reads.startDate],
      ['reads.duration', reads.duration],
      ['reads.version', reads.version],
      ['usage.quantity', usage.quantity],
      ['usage.unit', usage.unit],
      ['usage.fuel', usage.fuel],
      ['usage.detail_key', usage.detailKey],
    ]
    for (const [key, sql] of optional) if (sql !== undefined) candidates.push([key, sql])
    for (const rule of mapping.columns.values()) if (rule.source.kind === 'sql') candidates.push([`columns.${rule.name}.sql`, rule.source.sql])
  }
  const bare = name.replace(/^.*\./, '')
  const exact = new RegExp(`(?<![\\w.])${escape(name)}(?!\\w)`, 'i')
  const loose = new RegExp(`(?<!\\w)${escape(bare)}(?!\\w)`, 'i')
  const hits = candidates.filter(([, sql]) => exact.test(sql))
  const found = hits.length > 0 ? hits : candidates.filter(([, sql]) => loose.test(sql))
  return found.length > 0 ? found.map(([key]) => key).join(', ') : undefined
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
