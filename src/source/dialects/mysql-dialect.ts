import type { Knex } from 'knex'
import type { Connection, Query } from 'mysql2'
import type {
  ConnectionValues,
  DialectSession,
  SessionOptions,
  SourceDialect,
  SourceFailure,
  SourceRow,
  StreamOptions,
} from '../source-dialect.js'
import { toSourceText } from '../source-value.js'
import { socketFailureOf } from '../socket-failure.js'
import { acquirePooled, destroyPooled, releasePooled, watchConnection, type PooledConnection } from '../pooled-connection.js'
import { connectionNumber, connectionText, sslOption } from './connection-values.js'

/**
 * Run once per new connection. UTC for TIMESTAMP columns; a long `net_write_timeout`, because the
 * server counts a consumer that is busy (sorting, writing) and not reading as a write timeout and
 * drops the connection after the default 60 s (stalls of the server itself are the watchdog's); and
 * standard SQL for mapping expressions: "double quotes" quote identifiers (a table named `reads`, a
 * reserved word here) and `||` concatenates instead of meaning OR.
 */
const SESSION_SETTINGS = [
  "SET time_zone = '+00:00', SESSION net_write_timeout = 3600, SESSION net_read_timeout = 3600",
  "sql_mode = CONCAT_WS(',', NULLIF(@@sql_mode, ''), 'ANSI_QUOTES', 'PIPES_AS_CONCAT')",
].join(', ')

const HIGH_WATER_MARK = 1000

type MysqlConnection = Connection & PooledConnection

/**
 * MySQL and MariaDB through mysql2: rows streamed with back-pressure (mysql2 pauses the socket while the
 * consumer is behind). Dates, DATETIMEs, DECIMALs and BIGINTs arrive as exact text.
 */
export class MysqlDialect implements SourceDialect {
  readonly name = 'mysql' as const

  createKnexConfig(connection: ConnectionValues): Knex.Config {
    const ssl = sslOption(connection)
    return {
      client: 'mysql2',
      connection: {
        host: connectionText(connection, 'host') ?? '127.0.0.1',
        port: connectionNumber(connection, 'port') ?? 3306,
        user: connectionText(connection, 'user'),
        password: connectionText(connection, 'password'),
        database: connectionText(connection, 'database'),
        ...(ssl ? { ssl } : {}),
        charset: 'utf8mb4',
        timezone: 'Z',
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        decimalNumbers: false,
        connectTimeout: 30_000,
      } as Knex.MySql2ConnectionConfig,
      pool: {
        min: 0,
        max: 4,
        afterCreate: (conn: Connection, done: (error: Error | null, conn: Connection) => void) => {
          conn.query(SESSION_SETTINGS, (error) => done(error, conn))
        },
      },
      acquireConnectionTimeout: 60_000,
    }
  }

  formatDate(expression: string): string {
    return `DATE_FORMAT(${expression}, '%Y%m%d')`
  }

  formatTimestamp(expression: string): string {
    return `DATE_FORMAT(${expression}, '%Y-%m-%d %H:%i:%s.%f')`
  }

  formatNumber(expression: string): string {
    return `CAST(${expression} AS CHAR)`
  }

  binaryOrderKey(expression: string): string {
    // Bytes, not the column's (often case-insensitive) collation.
    return `CAST(COALESCE(TRIM(CAST(${expression} AS CHAR)), '') AS BINARY)`
  }

  currentTimestampQuery(): string {
    // The server's clock in its configured zone (what its writers' NOW() uses), not this session's UTC.
    return `SELECT DATE_FORMAT(CONVERT_TZ(UTC_TIMESTAMP(6), '+00:00', @@global.time_zone), '%Y-%m-%d %H:%i:%s.%f')`
  }

  sessionTimeZoneQuery(): string {
    // The zone currentTimestampQuery() answers in: the server's configured one, not this session's UTC.
    return `SELECT IF(@@global.time_zone = 'SYSTEM', CONCAT('SYSTEM (', @@system_time_zone, ')'), @@global.time_zone)`
  }

  dateParam(): string {
    return '?'
  }

  timestampParam(): string {
    // Text compares with the column in its own type (text timestamps in SQLite compare as text).
    return '?'
  }

  quoteTable(name: string): string {
    // Backticks change nothing about how MySQL resolves a name (its case rules stay) but let a table be
    // called `reads`, a reserved word here. Parts the author quoted are kept as written.
    return name
      .split('.')
      .map((part) => (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(part) ? `\`${part}\`` : part))
      .join('.')
  }

  async openSession(knex: Knex, options: SessionOptions): Promise<DialectSession> {
    const connection = await acquirePooled<MysqlConnection>(knex)
    const run = (sql: string, bindings: readonly unknown[] = []) =>
      new Promise<unknown[][]>((resolve, reject) => {
        connection.query({ sql, values: bindings as unknown[], rowsAsArray: true }, (error, rows) =>
          error ? reject(error) : resolve(rows as unknown[][]),
        )
      })
    try {
      if (options.snapshot) {
        await run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
        await run('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY')
      }
    } catch (error) {
      await destroyPooled(knex, connection, () => connection.destroy())
      throw error
    }
    const watch = watchConnection(connection, () => Object.assign(new Error('the server closed the connection'), { code: 'PROTOCOL_CONNECTION_LOST' }))
    let open = true
    const finish = async (how: 'end' | 'destroy') => {
      if (!open) return
      open = false
      watch.stop()
      if (how === 'destroy') return destroyPooled(knex, connection, () => connection.destroy())
      try {
        if (options.snapshot) await run('COMMIT')
      } catch (error) {
        await destroyPooled(knex, connection, () => connection.destroy())
        throw error
      }
      await releasePooled(knex, connection)
    }
    return {
      async *streamRows(sql: string, bindings: readonly unknown[], streamOptions: StreamOptions = {}): AsyncIterable<SourceRow> {
        const query: Query = connection.query({ sql, values: bindings as unknown[], rowsAsArray: true })
        // mysql2's stream also ends (a synthetic 'end') when the connection drops: only the command's
        // own end without an error proves that every row arrived.
        let completed = false
        let failed: unknown
        query.on('error', (error) => (failed = error))
        query.on('end', () => (completed = failed === undefined))
        const stream = query.stream({ highWaterMark: streamOptions.batchSize ?? HIGH_WATER_MARK })
        for await (const row of stream as AsyncIterable<unknown[]>) {
          streamOptions.signal?.throwIfAborted()
          yield row.map(toSourceText)
        }
        if (failed !== undefined) throw failed
        if (!completed) throw Object.assign(new Error('the connection closed before the query finished'), { code: 'PROTOCOL_CONNECTION_LOST' })
      },
      async queryRows(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
        return (await run(sql, bindings)).map((row) => row.map(toSourceText))
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
      case 'PROTOCOL_CONNECTION_LOST':
      case 'ER_CONNECTION_KILLED':
      case 'ER_QUERY_INTERRUPTED':
      case 'ER_SERVER_SHUTDOWN':
        return { kind: 'lost' }
      case 'ER_ACCESS_DENIED_ERROR':
      case 'ER_DBACCESS_DENIED_ERROR':
      case 'ER_BAD_DB_ERROR':
      case 'ER_HOST_NOT_PRIVILEGED':
        return { kind: 'access' }
      case 'ER_TABLEACCESS_DENIED_ERROR':
      case 'ER_COLUMNACCESS_DENIED_ERROR':
        return { kind: 'access', object: /(?:table|column) '([^']+)'/.exec(text)?.[1] }
      case 'ER_NO_SUCH_TABLE':
        // "Table 'db.ci_bsegx' doesn't exist": the mapping names it without the database.
        return { kind: 'missing-table', object: /Table '(?:[^'.]+\.)?([^']+)'/.exec(text)?.[1] }
      case 'ER_BAD_FIELD_ERROR':
        return { kind: 'missing-column', object: /Unknown column '([^']+)'/.exec(text)?.[1] }
    }
    if (/Connection lost|connection was killed|Can't add new command when connection is in closed state/i.test(text)) return { kind: 'lost' }
    return typeof code === 'string' && code.startsWith('ER_') ? { kind: 'query' } : undefined
  }
}
