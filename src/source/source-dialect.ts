import type { Knex } from 'knex'
import type { DialectName } from '../config/mapping.schema.js'

/** One row as the database hands it over, in the order of the SELECT list; NULL is `null`, all else text. */
export type SourceRow = (string | null)[]

export interface StreamOptions {
  readonly signal?: AbortSignal
  /** Rows fetched per round trip where the driver has such a knob. */
  readonly batchSize?: number
}

/** Connection values of a mapping with secrets resolved. */
export type ConnectionValues = Readonly<Record<string, string | number | boolean | undefined>>

/**
 * What went wrong, in the terms a user acts on. `object` is the table or column the database named
 * (as written in its message), so the caller can point at the mapping key that mentions it.
 */
export type SourceFailureKind = 'unreachable' | 'access' | 'missing-table' | 'missing-column' | 'lost' | 'query'
export interface SourceFailure {
  readonly kind: SourceFailureKind
  readonly object?: string
}

export interface SessionOptions {
  /** Open a read-only transaction whose reads all see one consistent snapshot of the database. */
  readonly snapshot: boolean
  /**
   * With `snapshot`: see exactly the snapshot another session exported (`exportSnapshotQuery`), so a
   * count can run beside a stream and still compare like with like.
   */
  readonly joinSnapshot?: string
}

/**
 * One dedicated connection of the pool, used by one extract at a time, one statement at a time.
 * Session settings (UTC time zone, no statement timeout spanning a cursor, …) are applied when it opens.
 */
export interface DialectSession {
  /** Streams the rows of a query in bounded memory, with back-pressure. `sql` uses `?` placeholders. */
  streamRows(sql: string, bindings: readonly unknown[], options?: StreamOptions): AsyncIterable<SourceRow>
  /**
   * The same rows in the batches the driver hands over (a network read's worth, a stretch of a
   * synchronous cursor), where the driver has them: one wait per batch instead of one per row.
   */
  streamRowBatches?(sql: string, bindings: readonly unknown[], options?: StreamOptions): AsyncIterable<readonly SourceRow[]>
  /** Runs a small query and returns all its rows (counts, previews). */
  queryRows(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]>
  /**
   * Calls `listener` when the connection fails outside a driver callback (socket reset, server-side
   * kill): some drivers then leave a running stream hanging, so the caller fails it.
   */
  onConnectionLost(listener: (error: Error) => void): void
  /** Ends the snapshot (if any) and returns the connection to the pool. */
  end(): Promise<void>
  /** Closes the connection at once (abort, stall, failure); it is never handed out again. */
  destroy(): Promise<void>
}

/**
 * Everything that differs between databases, and the only place that names one. Generic code asks the
 * dialect for SQL fragments (date formatting, parameters) and for sessions; it never tests the dialect's name.
 *
 * ```ts
 * const dialect = createDialect('postgres')
 * const sql = `SELECT ${dialect.formatDate('r.read_dt')} FROM reads r WHERE r.read_dt >= ${dialect.dateParam()}`
 * const session = await dialect.openSession(knex, { snapshot: true })
 * for await (const row of session.streamRows(sql, ['2025-01-01'])) console.log(row[0]) // '20250131'
 * await session.end()
 * ```
 */
export interface SourceDialect {
  readonly name: DialectName
  /** knex configuration for a resolved connection (secrets already substituted). */
  createKnexConfig(connection: ConnectionValues): Knex.Config
  /** SQL that renders a DATE or TIMESTAMP expression as `yyyymmdd` text, in SQL, without time-zone shifts. */
  formatDate(expression: string): string
  /** SQL that renders a timestamp with its full precision as sortable text `YYYY-MM-DD HH:MM:SS.ffffff`. */
  formatTimestamp(expression: string): string
  /** SQL that renders a number exactly as text (no float rounding on the way). */
  formatNumber(expression: string): string
  /**
   * An ORDER BY term that sorts an expression's value as text the way JavaScript compares strings (by
   * code unit, not by the database's collation), with NULL as empty text first, and spaces trimmed: the
   * extract's own sort key, so rows the database ordered need no sort on disk.
   */
  binaryOrderKey(expression: string): string
  /**
   * A complete SELECT that returns one row, one column: the database's own current time as text in the
   * format of formatTimestamp, on the scale its timestamp columns are written in (incremental windows
   * are measured on this clock, never on the host's).
   */
  currentTimestampQuery(): string
  /** A placeholder for a `YYYY-MM-DD` text parameter compared with a DATE or TIMESTAMP column. */
  dateParam(): string
  /**
   * A placeholder for a `YYYY-MM-DD HH:MM:SS[.ffffff]` text parameter compared with a DATE or TIMESTAMP
   * column (incremental window bounds), converted in SQL where the database would otherwise parse the
   * text by session settings.
   */
  timestampParam(): string
  /**
   * A mapping's `from.table` / `joins[].table` as it goes into SQL: quoted where a plain name could be a
   * reserved word of this database (`reads` in MySQL) without changing how the database resolves it;
   * a name the author quoted is left as written.
   */
  quoteTable(name: string): string
  /** Takes a dedicated connection from the knex pool, applies the session settings, and begins a snapshot if asked. */
  openSession(knex: Knex, options: SessionOptions): Promise<DialectSession>
  /** Sorts a driver error into what the user must fix; `undefined` when the error is not the database's. */
  classifyError(error: unknown): SourceFailure | undefined
  /**
   * Optional, for `check`'s doctor findings: a query listing the first (leading) column of every index of
   * `table`, one per row, so a last-update column without an index can be reported. Left out where the
   * dialect cannot tell; `check` then says so.
   */
  indexLeadingColumnsQuery?(table: string): { sql: string; bindings: unknown[] }
  /**
   * Optional: a SELECT of one row, one column that exports the open snapshot of a session for others to
   * join (`SessionOptions.joinSnapshot`). Left out where a database cannot share a snapshot between
   * connections; statements that need the same snapshot then run one after the other.
   */
  exportSnapshotQuery?(): string
  /** Optional, for `check`: a SELECT of one row, one column naming the session time zone. */
  sessionTimeZoneQuery?(): string
}
