import type { Knex } from 'knex'
import type { Connection } from 'tedious'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { toNativePlaceholders, type NativeSql } from '../native-placeholders.js'
import { acquirePooled, destroyPooled, releasePooled, type PooledConnection } from '../pooled-connection.js'
import type {
  ConnectionValues,
  DialectSession,
  SessionOptions,
  SourceDialect,
  SourceFailure,
  SourceRow,
  StreamOptions,
} from '../source-dialect.js'
import { tediousDriver } from './database-drivers.js'
import { mssqlIsolation, mssqlKnexConfig, type MssqlIsolation } from './mssql-connection.js'
import { addParameters, mssqlValueText, type TediousColumnValue } from './mssql-values.js'

/**
 * Parameters one request may carry. SQL Server accepts 2100 per call, and `sp_executesql` (how tedious
 * sends a parameterised query) takes two of them for the statement and its declarations.
 */
export const MSSQL_MAX_PARAMETERS = 2098

/** Rows held in memory before the request is paused (unless the caller's batchSize says otherwise); it resumes below half. */
const HIGH_WATER = 1000

type MssqlConnection = Connection & PooledConnection

/**
 * SQL Server through tedious, on the connection knex pools (knex's own `.stream()` never pauses tedious,
 * knex #3544). The request is paused whenever the consumer falls behind and resumed when it catches up,
 * so memory stays bounded however long the result. Dates are formatted with CONVERT, numbers are
 * converted to text in SQL (tedious rounds DECIMAL into a JS number), and the SQL's `?` become
 * `@p0, @p1, …` parameters.
 */
export class MssqlDialect implements SourceDialect {
  readonly name = 'mssql' as const
  // From the connection keys: createKnexConfig runs before any session opens.
  #isolation: MssqlIsolation = 'snapshot'
  #readOnlyIntent = false

  createKnexConfig(connection: ConnectionValues): Knex.Config {
    this.#isolation = mssqlIsolation(connection)
    this.#readOnlyIntent = connection.read_only_intent === true
    return mssqlKnexConfig(connection)
  }

  formatDate(expression: string): string {
    return `CONVERT(char(8), ${expression}, 112)`
  }

  formatTimestamp(expression: string): string {
    // Style 121 writes datetime2(6) as yyyy-mm-dd hh:mi:ss.ffffff, the same text for DATE, DATETIME and DATETIME2.
    return `CONVERT(varchar(26), CAST(${expression} AS datetime2(6)), 121)`
  }

  formatNumber(expression: string): string {
    // Exact text of DECIMAL and NUMERIC; style 2 keeps MONEY's four decimals and FLOAT's 16 digits
    // (CAST would cut them to two and six). Integer types ignore the style.
    return `CONVERT(varchar(64), ${expression}, 2)`
  }

  binaryOrderKey(expression: string): string {
    // BIN2 on NVARCHAR compares UTF-16 code units, exactly as JavaScript does.
    return `COALESCE(LTRIM(RTRIM(CAST(${expression} AS NVARCHAR(4000)))), N'') COLLATE Latin1_General_BIN2`
  }

  currentTimestampQuery(): string {
    // SYSDATETIME() is the server's local clock, the scale of columns filled by GETDATE()/SYSDATETIME().
    return `SELECT CONVERT(varchar(26), CAST(SYSDATETIME() AS datetime2(6)), 121)`
  }

  dateParam(): string {
    // Style 23 reads yyyy-mm-dd whatever the login's language and DATEFORMAT.
    return 'CONVERT(date, ?, 23)'
  }

  /**
   * A placeholder for a `YYYY-MM-DD HH:MM:SS[.ffffff]` text bound compared with a date/time column
   * (incremental windows): as text, a DATETIME comparison refuses more than three fractional digits.
   * Style 121 reads the text whatever the login's language.
   */
  timestampParam(): string {
    return 'CONVERT(datetime2(7), ?, 121)'
  }

  quoteTable(name: string): string {
    // As written: a name that collides with a keyword is bracketed by the author ([Order]), as in any SQL Server query.
    return name
  }

  indexLeadingColumnsQuery(table: string): { sql: string; bindings: unknown[] } {
    return {
      sql:
        'SELECT c.name FROM sys.index_columns ic JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id ' +
        'WHERE ic.object_id = OBJECT_ID(?) AND ic.key_ordinal = 1',
      bindings: [table],
    }
  }

  /** The SQL as tedious receives it; its parameters are named `p0 … pN` after the bindings. */
  toNative(sql: string, bindings: readonly unknown[]): NativeSql {
    if (bindings.length > MSSQL_MAX_PARAMETERS) {
      throw new Error(`${bindings.length} parameters exceed SQL Server's limit of ${MSSQL_MAX_PARAMETERS} per request; the query must be split`)
    }
    return toNativePlaceholders(sql, bindings, (index) => `@p${index}`)
  }

  async openSession(knex: Knex, options: SessionOptions): Promise<DialectSession> {
    const connection = await acquirePooled<MssqlConnection>(knex)
    const close = () => connection.close()
    const run = (sql: string, bindings: readonly unknown[]) => collectRows(connection, this.toNative(sql, bindings).sql, bindings)
    let inTransaction = false
    try {
      if (options.snapshot) {
        const level = await this.#sessionIsolation(run)
        await new Promise<void>((resolve, reject) => connection.beginTransaction((error) => (error ? reject(error) : resolve()), 'opower_extract', level))
        inTransaction = true
      }
    } catch (error) {
      await destroyPooled(knex, connection, close)
      throw error
    }
    let open = true
    // The connection outlives the session in the pool: its listeners must not pile up there.
    const listeners: [event: 'error' | 'end', listener: (error: Error) => void][] = []
    const finish = async (how: 'end' | 'destroy') => {
      if (!open) return
      open = false
      for (const [event, listener] of listeners) connection.removeListener(event, listener)
      if (how === 'destroy') return destroyPooled(knex, connection, close)
      try {
        if (inTransaction) await new Promise<void>((resolve, reject) => connection.commitTransaction((error) => (error ? reject(error) : resolve())))
      } catch (error) {
        await destroyPooled(knex, connection, close)
        throw error
      }
      await releasePooled(knex, connection)
    }
    const toNative = (sql: string, bindings: readonly unknown[]) => this.toNative(sql, bindings)
    return {
      streamRows: (sql: string, bindings: readonly unknown[], streamOptions: StreamOptions = {}) =>
        streamRequest(connection, toNative(sql, bindings).sql, bindings, streamOptions),
      queryRows: run,
      onConnectionLost(listener) {
        const added: typeof listeners = [['error', listener], ['end', () => listener(new Error('the server closed the connection'))]]
        for (const [event, handler] of added) connection.on(event as 'error', handler)
        listeners.push(...added)
      },
      end: () => finish('end'),
      destroy: () => finish('destroy'),
    }
  }

  /**
   * SNAPSHOT when the database allows it. A database that does not, but reads committed rows from
   * versions (READ_COMMITTED_SNAPSHOT ON), still gives each statement one consistent view; otherwise
   * the mapping must allow locking reads explicitly. A readable secondary (read_only_intent) maps every
   * read to snapshot isolation itself.
   */
  async #sessionIsolation(run: (sql: string, bindings: readonly unknown[]) => Promise<SourceRow[]>): Promise<number> {
    const { ISOLATION_LEVEL } = tediousDriver()
    if (this.#isolation === 'read_committed' || this.#readOnlyIntent) {
      return this.#isolation === 'read_committed' ? ISOLATION_LEVEL.READ_COMMITTED! : ISOLATION_LEVEL.SNAPSHOT!
    }
    const [row] = await run('SELECT snapshot_isolation_state, is_read_committed_snapshot_on, DB_NAME() FROM sys.databases WHERE database_id = DB_ID()', [])
    const [snapshotState, readCommittedSnapshot, database] = row ?? []
    if (snapshotState === '1') return ISOLATION_LEVEL.SNAPSHOT!
    if (readCommittedSnapshot === '1') return ISOLATION_LEVEL.READ_COMMITTED!
    throw new ToolkitError('SOURCE_QUERY_FAILED', `source.connection.isolation: database ${database ?? '?'} does not allow SNAPSHOT isolation, so an extract cannot read one consistent view of it`, {
      hint: `ask the DBA for ALTER DATABASE [${database ?? 'billing'}] SET ALLOW_SNAPSHOT_ISOLATION ON, or set source.connection.isolation: read_committed to read with locks (a row moved during the scan may be read twice or missed)`,
    })
  }

  classifyError(error: unknown): SourceFailure | undefined {
    const { code, number, message } = error as { code?: unknown; number?: unknown; message?: unknown }
    const text = String(message ?? '')
    switch (number) {
      case 208:
        return { kind: 'missing-table', object: /Invalid object name '([^']+)'/.exec(text)?.[1] }
      case 207:
        return { kind: 'missing-column', object: /Invalid column name '([^']+)'/.exec(text)?.[1] }
      case 229:
      case 230:
      case 4060:
      case 18456:
        return { kind: 'access', object: /on object '([^']+)'/.exec(text)?.[1] }
      case 3952:
        return { kind: 'access' }
    }
    switch (code) {
      case 'ELOGIN':
        return { kind: 'access' }
      case 'EINSTLOOKUP':
        return { kind: 'unreachable' }
      case 'ETIMEOUT':
      case 'ESOCKET':
        return /Failed to connect|connect ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(text) ? { kind: 'unreachable' } : { kind: 'lost' }
      case 'ECLOSE':
      case 'ECANCEL':
        return { kind: 'lost' }
      case 'EREQUEST':
        return { kind: 'query' }
    }
    return undefined
  }
}

/** Runs a small query on the session's connection and keeps its rows. */
async function collectRows(connection: Connection, sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
  const rows: SourceRow[] = []
  for await (const row of streamRequest(connection, sql, bindings, {})) rows.push(row)
  return rows
}

/**
 * One tedious request as an async iterable with back-pressure: rows queue up to the high-water mark, then the
 * request is paused until the consumer has taken half of them. Leaving early (break, abort, error)
 * cancels the request and waits until the connection is free again.
 */
async function* streamRequest(connection: Connection, sql: string, bindings: readonly unknown[], options: StreamOptions): AsyncGenerator<SourceRow> {
  const highWater = options.batchSize ?? HIGH_WATER
  const queue: SourceRow[] = []
  let head = 0
  let done = false
  let failure: Error | undefined
  let paused = false
  let cancelling = false
  let wake: (() => void) | undefined
  const signal = () => {
    wake?.()
    wake = undefined
  }
  const { Request } = tediousDriver()
  const request = new Request(sql, (error) => {
    failure = error ?? undefined
    done = true
    signal()
  })
  addParameters(request, bindings)
  request.on('row', (columns: TediousColumnValue[]) => {
    // Rows that arrive after a cancel are dropped, never paused on: the cancel must get through.
    if (cancelling) return
    queue.push(columns.map(mssqlValueText))
    if (!paused && queue.length - head >= highWater) {
      paused = true
      request.pause()
    }
    signal()
  })
  const abort = () => signal()
  options.signal?.addEventListener('abort', abort)
  connection.execSql(request)
  try {
    for (;;) {
      options.signal?.throwIfAborted()
      if (head < queue.length) {
        const row = queue[head]!
        queue[head++] = []
        if (head > highWater) {
          queue.splice(0, head)
          head = 0
        }
        if (paused && queue.length - head <= highWater / 2) {
          paused = false
          request.resume()
        }
        yield row
        continue
      }
      if (failure) throw failure
      if (done) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    options.signal?.removeEventListener('abort', abort)
    if (!done) {
      cancelling = true
      if (paused) request.resume()
      connection.cancel()
      // Rows still in flight wake this too: only the request's own end frees the connection.
      while (!done) await new Promise<void>((resolve) => (wake = resolve))
    }
  }
}
