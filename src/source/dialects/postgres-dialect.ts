import type { Knex } from 'knex'
import type pg from 'pg'
import type {
  ConnectionValues,
  DialectSession,
  SessionOptions,
  SourceDialect,
  SourceFailure,
  SourceRow,
  StreamOptions,
} from '../source-dialect.js'
import { eachRow } from '../../platform/row-batches.js'
import { toSourceText } from '../source-value.js'
import { socketFailureOf } from '../socket-failure.js'
import { acquirePooled, destroyPooled, releasePooled, watchConnection, type PooledConnection } from '../pooled-connection.js'
import { connectionNumber, connectionText, sslOption } from './connection-values.js'
import { pgCopyStreams, pgDriver } from './database-drivers.js'
import { copyTextRows, type CopyColumnText } from './postgres-copy-rows.js'

// date, time, timestamp, timestamptz, timetz, interval: kept as the server's text, never a JS Date
// shifted by the process time zone. numeric and int8 are text already (pg registers no parser).
const RAW_TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1266, 1186])
const keepText = (value: string) => value
const rawTextTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => (RAW_TEXT_TYPES.has(oid) ? keepText : pgDriver().types.getTypeParser(oid, format as 'text')),
}

/**
 * Run once per new connection: UTC for every timestamptz rendered in SQL, ISO dates, and no statement
 * timeout, because a streaming cursor is one statement for its whole life. `SET` (not a startup
 * option) keeps the database's configured zone visible as `reset_val` for the clock query.
 */
const SESSION_SETTINGS = "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET statement_timeout = 0; SET IntervalStyle = 'iso_8601'"

type PgConnection = pg.Client & PooledConnection

/**
 * PostgreSQL through pg. A stream is `COPY (query) TO STDOUT`, read only as fast as the consumer takes
 * its rows (pg-copy-streams reads the socket on demand, so the server waits on TCP). Not a cursor: a
 * portal fetched in batches runs without parallel workers, and the server sorted the bench's read
 * query in twice the time (1.2 s against 0.5 s to the first row of 233,658), and pg's row parsing cost
 * twice the CPU of splitting COPY's text. Dates and timestamps are formatted in SQL; numeric and bigint
 * arrive as exact text.
 */
export class PostgresDialect implements SourceDialect {
  readonly name = 'postgres' as const

  createKnexConfig(connection: ConnectionValues): Knex.Config {
    return {
      client: 'pg',
      connection: {
        host: connectionText(connection, 'host') ?? '127.0.0.1',
        port: connectionNumber(connection, 'port') ?? 5432,
        user: connectionText(connection, 'user'),
        password: connectionText(connection, 'password'),
        database: connectionText(connection, 'database'),
        ssl: sslOption(connection),
        application_name: 'opower-extract',
        connectionTimeoutMillis: 30_000,
        keepAlive: true,
        types: rawTextTypes,
      } as Knex.PgConnectionConfig,
      pool: {
        min: 0,
        max: 4,
        afterCreate: (conn: pg.Client, done: (error: Error | null, conn: pg.Client) => void) => {
          conn.query(SESSION_SETTINGS).then(
            () => done(null, conn),
            (error: Error) => done(error, conn),
          )
        },
      },
      acquireConnectionTimeout: 60_000,
      ...(connection.schema !== undefined ? { searchPath: [String(connection.schema)] } : {}),
    }
  }

  formatDate(expression: string): string {
    return `to_char(${expression}, 'YYYYMMDD')`
  }

  formatTimestamp(expression: string): string {
    return `to_char(${expression}, 'YYYY-MM-DD HH24:MI:SS.US')`
  }

  formatNumber(expression: string): string {
    return `CAST(${expression} AS text)`
  }

  binaryOrderKey(expression: string): string {
    // "C" compares UTF-8 bytes; the database's default collation (en_US and the like) would not.
    return `COALESCE(BTRIM(CAST(${expression} AS text)), '') COLLATE "C"`
  }

  currentTimestampQuery(): string {
    // clock_timestamp(), not now(): now() is the start of the (possibly long) snapshot transaction. Shown in
    // the zone the database is configured with (the one its writers' now() uses), not this session's UTC.
    return `SELECT to_char(clock_timestamp() AT TIME ZONE (SELECT reset_val FROM pg_settings WHERE name = 'TimeZone'), 'YYYY-MM-DD HH24:MI:SS.US')`
  }

  sessionTimeZoneQuery(): string {
    // The zone currentTimestampQuery() answers in: the database's configured one, not this session's UTC.
    return `SELECT reset_val FROM pg_settings WHERE name = 'TimeZone'`
  }

  dateParam(): string {
    // Untyped: the server infers the column's own type (date, timestamp) and parses the text in it.
    return '?'
  }

  timestampParam(): string {
    // Text compares with the column in its own type (text timestamps in SQLite compare as text).
    return '?'
  }

  exportSnapshotQuery(): string {
    return 'SELECT pg_export_snapshot()'
  }

  quoteTable(name: string): string {
    // Unchanged: quoting would make the name case-sensitive (PostgreSQL folds unquoted names to lower case).
    return name
  }

  async openSession(knex: Knex, options: SessionOptions): Promise<DialectSession> {
    const client = await acquirePooled<PgConnection>(knex)
    const native = (sql: string, bindings: readonly unknown[]) => knex.raw(sql, bindings as readonly Knex.RawBinding[]).toSQL().toNative()
    try {
      if (options.snapshot) await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      if (options.snapshot && options.joinSnapshot !== undefined) await client.query(setTransactionSnapshot(options.joinSnapshot))
    } catch (error) {
      await destroyPooled(knex, client, () => endSocket(client))
      throw error
    }
    const watch = watchConnection(client, () => new Error('the server closed the connection'))
    let open = true
    const finish = async (how: 'end' | 'destroy') => {
      if (!open) return
      open = false
      watch.stop()
      if (how === 'destroy') return destroyPooled(knex, client, () => endSocket(client))
      try {
        if (options.snapshot) await client.query('COMMIT')
      } catch (error) {
        await destroyPooled(knex, client, () => endSocket(client))
        throw error
      }
      await releasePooled(knex, client)
    }
    async function* streamRowBatches(sql: string, bindings: readonly unknown[], streamOptions: StreamOptions = {}): AsyncIterable<readonly SourceRow[]> {
      // COPY takes no parameters: the values go into the text through knex's escaping of PostgreSQL
      // literals (quotes doubled, E'' where a backslash is), inside the session's read-only transaction.
      const text = inlineBindings(knex, sql, bindings)
      const described = await client.query({ text: `SELECT * FROM (${text}) described LIMIT 0`, rowMode: 'array' })
      const columns = described.fields.map((field) => copyColumnText(field.dataTypeID))
      const stream = client.query(pgCopyStreams().to(`COPY (${text}) TO STDOUT`))
      for await (const rows of copyTextRows(stream, columns)) {
        streamOptions.signal?.throwIfAborted()
        yield rows
      }
    }
    return {
      streamRows: (sql, bindings, streamOptions) => eachRow(streamRowBatches(sql, bindings, streamOptions)),
      streamRowBatches,
      async queryRows(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
        const query = native(sql, bindings)
        const result = await client.query({ text: query.sql, values: query.bindings as unknown[], rowMode: 'array' })
        return (result.rows as unknown[][]).map((row) => row.map(toSourceText))
      },
      onConnectionLost: watch.onLost,
      end: () => finish('end'),
      destroy: () => finish('destroy'),
    }
  }

  classifyError(error: unknown): SourceFailure | undefined {
    const { code, message } = error as { code?: unknown; message?: unknown }
    const text = String(message ?? '')
    const socketFailure = socketFailureOf(code)
    if (socketFailure) return socketFailure
    switch (code) {
      case '57P01': // admin_shutdown: pg_terminate_backend
      case '57P02':
      case '57P03':
        return { kind: 'lost' }
      case '42P01': // undefined_table
        return { kind: 'missing-table', object: /relation "([^"]+)"/.exec(text)?.[1] }
      case '42703': // undefined_column
        return { kind: 'missing-column', object: /column "?([^" ]+)"? does not exist/.exec(text)?.[1] }
      case '42501': // insufficient_privilege
        return { kind: 'access', object: /(?:table|relation) "?([^" ]+)"?/.exec(text)?.[1] }
    }
    if (typeof code === 'string' && (code.startsWith('28') || code === '3D000')) return { kind: 'access' }
    if (typeof code === 'string' && code.startsWith('08')) return { kind: 'lost' }
    if (/Connection terminated|connection ended|Client has encountered a connection error|server closed the connection/i.test(text)) {
      return { kind: 'lost' }
    }
    if (/timeout expired|Connection terminated due to connection timeout/i.test(text)) return { kind: 'unreachable' }
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? { kind: 'query' } : undefined
  }
}

/**
 * The query with its bindings written in as PostgreSQL literals. A NUL cannot be in PostgreSQL text and
 * would end the query text early; the database refuses it in a parameter with this code and message.
 */
function inlineBindings(knex: Knex, sql: string, bindings: readonly unknown[]): string {
  for (const value of bindings) {
    if (typeof value === 'string' && value.includes('\u0000')) {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00 (a value given to the query holds a NUL character)'), { code: '22021' })
    }
  }
  return knex.raw(sql, bindings as readonly Knex.RawBinding[]).toQuery()
}

/** How a column's COPY text becomes source text: pg's own parser for its type (see CopyColumnText), then as a query's value would. */
function copyColumnText(oid: number): CopyColumnText {
  const parse = rawTextTypes.getTypeParser(oid, 'text') as (text: string) => unknown
  if (parse === keepText || parse === pgDriver().types.getTypeParser(TEXT_OID, 'text')) return undefined
  return (text) => toSourceText(parse(text))
}
const TEXT_OID = 25

function endSocket(client: pg.Client): void {
  // Not client.end(): that waits for the server, which may be the thing that stopped answering.
  ;(client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy()
}

/** SET TRANSACTION SNAPSHOT takes no parameter: the id (from pg_export_snapshot, e.g. `00000003-0000001B-1`) is checked, then quoted. */
function setTransactionSnapshot(id: string): string {
  if (!/^[0-9A-F]+(-[0-9A-F]+)+$/i.test(id)) throw new Error(`not a PostgreSQL snapshot id: ${JSON.stringify(id)}`)
  return `SET TRANSACTION SNAPSHOT '${id}'`
}
