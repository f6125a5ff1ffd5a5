import type BetterSqlite3 from 'better-sqlite3'
import type { Knex } from 'knex'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { ConnectionValues, DialectSession, SessionOptions, SourceDialect, SourceFailure, SourceRow, StreamOptions } from '../source-dialect.js'
import { acquirePooled, destroyPooled, releasePooled, type PooledConnection } from '../pooled-connection.js'
import { eachRow } from '../../platform/row-batches.js'
import { toSourceText } from '../source-value.js'

/**
 * The source connection's page cache, in KiB. SQLite sizes the sort of a full historical's ORDER BY by it
 * too: the driver's default of 16 MB kept about 20 MB more resident through a 200,000-read extract than
 * 8 MB, with no measurable change in time (the sort spills to the temporary folder either way).
 */
const SOURCE_CACHE_KIB = 8192

/**
 * SQLite through better-sqlite3. knex's own `.stream()` buffers the whole result for this driver, so rows
 * come from the statement's `iterate()` on the connection knex pooled; integers come back as bigint
 * (`safeIntegers`) so none loses precision. Dates are TEXT (`YYYY-MM-DD[ HH:MM:SS[.ffffff]]`).
 */
export class SqliteDialect implements SourceDialect {
  readonly name = 'sqlite' as const

  createKnexConfig(connection: ConnectionValues): Knex.Config {
    return {
      client: 'better-sqlite3',
      connection: { filename: String(connection.filename), options: { readonly: true } },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (db: BetterSqlite3.Database, done: (error: Error | null, db: BetterSqlite3.Database) => void) => {
          db.pragma(`cache_size = -${SOURCE_CACHE_KIB}`)
          done(null, db)
        },
      },
    }
  }

  formatDate(expression: string): string {
    return `strftime('%Y%m%d', ${expression})`
  }

  formatTimestamp(expression: string): string {
    // Stored as text already; strftime would drop the microseconds.
    return `CAST(${expression} AS TEXT)`
  }

  formatNumber(expression: string): string {
    return expression
  }

  binaryOrderKey(expression: string): string {
    return `COALESCE(TRIM(CAST(${expression} AS TEXT)), '') COLLATE BINARY`
  }

  currentTimestampQuery(): string {
    // SQLite has no server clock: the writer's local time is the scale of its text timestamps.
    return `SELECT strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime') || '000'`
  }

  dateParam(): string {
    return '?'
  }

  timestampParam(): string {
    // Text compares with the column in its own type (text timestamps in SQLite compare as text).
    return '?'
  }

  quoteTable(name: string): string {
    return name
  }

  indexLeadingColumnsQuery(table: string): { sql: string; bindings: unknown[] } {
    return { sql: 'SELECT ii.name FROM pragma_index_list(?) il, pragma_index_info(il.name) ii WHERE ii.seqno = 0', bindings: [table] }
  }

  async openSession(knex: Knex, options: SessionOptions): Promise<DialectSession> {
    const db = await acquirePooled<SqliteConnection>(knex)
    // No memory map (mmap_size): it saved the read() system calls (1.3 s of system time per 200,000 reads)
    // but its pages count in the resident set, 55 MB more at peak, against a 200 MB budget.
    // A deferred transaction: its first read fixes the snapshot every later read of the session sees.
    if (options.snapshot) db.exec('BEGIN')
    let open = true
    // Statements still iterating when the session is destroyed (a consumer that failed mid-stream): the
    // connection refuses to close while one runs, and the async generator reading it ends only later.
    const running = new Set<Iterator<unknown[]>>()
    const destroy = () => {
      for (const statement of running) statement.return?.()
      return destroyPooled(knex, db, () => db.close())
    }
    const finish = async (how: 'end' | 'destroy') => {
      if (!open) return
      open = false
      // Ended with a statement still running: an abandoned read, whose connection is not reused.
      if (how === 'destroy' || running.size > 0) return destroy()
      try {
        if (options.snapshot && db.inTransaction) db.exec('COMMIT')
        // The pooled connection waits with an empty page cache: a full historical's read filled it (8 MB),
        // and the self-validation that follows reuses that memory instead of adding its own.
        db.pragma('shrink_memory')
      } catch (error) {
        await destroy()
        throw error
      }
      await releasePooled(knex, db)
    }
    return {
      streamRows: (sql, bindings, streamOptions) => eachRow(iterateRows(db, sql, bindings, running, streamOptions)),
      streamRowBatches: (sql, bindings, streamOptions) => iterateRows(db, sql, bindings, running, streamOptions),
      async queryRows(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
        const rows: SourceRow[] = []
        for await (const batch of iterateRows(db, sql, bindings, running)) rows.push(...batch)
        return rows
      },
      // A local file has no connection to lose.
      onConnectionLost() {},
      end: () => finish('end'),
      destroy: () => finish('destroy'),
    }
  }

  classifyError(error: unknown): SourceFailure | undefined {
    const { code, message } = error as { code?: unknown; message?: unknown }
    // better-sqlite3 checks the folder itself and throws a plain TypeError, without an SQLITE_ code.
    if (error instanceof TypeError && /^Cannot open database/.test(String(message))) return { kind: 'unreachable' }
    if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined
    const text = String(message ?? '')
    if (code === 'SQLITE_CANTOPEN') return { kind: 'unreachable' }
    const table = /no such table: (\S+)/.exec(text)?.[1]
    if (table) return { kind: 'missing-table', object: table }
    const column = /no such column: (\S+)/.exec(text)?.[1]
    if (column) return { kind: 'missing-column', object: column }
    return { kind: 'query' }
  }
}

type SqliteConnection = BetterSqlite3.Database & PooledConnection

/** Rows handed over per batch: the consumer's wait per batch, not per row. */
const ROWS_PER_BATCH = 500
/** Rows between pauses for the event loop: timers (the watchdog, progress) and I/O run meanwhile. */
const ROWS_PER_PAUSE = 5000

/** better-sqlite3's iterate() is synchronous: rows come in batches, with a pause for the event loop now and then. */
async function* iterateRows(
  db: BetterSqlite3.Database,
  sql: string,
  bindings: readonly unknown[],
  running: Set<Iterator<unknown[]>>,
  options: StreamOptions = {},
): AsyncIterable<SourceRow[]> {
  const statement = db.prepare(sql).raw(true).safeIntegers(true)
  const rows = statement.iterate(...(bindings as unknown[])) as IterableIterator<unknown[]>
  running.add(rows)
  try {
    let batch: SourceRow[] = []
    let sincePause = 0
    for (const row of rows) {
      batch.push(toSourceRow(row))
      if (batch.length < ROWS_PER_BATCH) continue
      options.signal?.throwIfAborted()
      yield batch
      batch = []
      sincePause += ROWS_PER_BATCH
      if (sincePause >= ROWS_PER_PAUSE) {
        sincePause = 0
        await yieldToEventLoop()
      }
    }
    if (batch.length > 0) yield batch
  } finally {
    running.delete(rows)
  }
}

/** Converts the values of a fresh raw row in place (text, the common case, is kept as it is): no copy per row. */
function toSourceRow(row: unknown[]): SourceRow {
  for (let i = 0; i < row.length; i++) {
    const value = row[i]
    if (typeof value !== 'string') row[i] = toSourceText(value)
  }
  return row as SourceRow
}
