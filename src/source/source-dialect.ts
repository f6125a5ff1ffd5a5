import type { Knex } from 'knex'
import type { DialectName } from '../config/mapping.schema.js'

/** One row as the database hands it over, in the order of the SELECT list; NULL is `null`, all else text. */
export type SourceRow = (string | null)[]

export interface StreamOptions {
  readonly signal?: AbortSignal
  /** Rows fetched per round trip where the driver has such a knob. */
  readonly batchSize?: number
}

/**
 * Everything that differs between databases, and the only place that names one. Generic code asks the
 * dialect for SQL fragments (date formatting, parameters) and for rows; it never tests the dialect's name.
 *
 * ```ts
 * const dialect = createDialect('postgres')
 * const sql = `SELECT ${dialect.formatDate('r.read_dt')} FROM reads r WHERE r.read_dt >= ${dialect.dateParam()}`
 * for await (const row of dialect.streamRows(knex, sql, ['2025-01-01'])) console.log(row[0]) // '20250131'
 * ```
 */
export interface SourceDialect {
  readonly name: DialectName
  /** knex configuration for a resolved connection (secrets already substituted). */
  createKnexConfig(connection: Readonly<Record<string, string | number | boolean | undefined>>): Knex.Config
  /** SQL that renders a DATE or TIMESTAMP expression as `yyyymmdd` text, in SQL, without time-zone shifts. */
  formatDate(expression: string): string
  /** SQL that renders a timestamp with its full precision as sortable text `YYYY-MM-DD HH:MM:SS.ffffff`. */
  formatTimestamp(expression: string): string
  /** SQL that renders a number exactly as text (no float rounding on the way). */
  formatNumber(expression: string): string
  /**
   * A complete SELECT that returns one row, one column: the database's own current time as text in the
   * format of formatTimestamp, on the scale its timestamp columns are written in (incremental windows
   * are measured on this clock, never on the host's).
   */
  currentTimestampQuery(): string
  /** A placeholder for a `YYYY-MM-DD` text parameter compared with a DATE or TIMESTAMP column. */
  dateParam(): string
  /** Streams the rows of a query in bounded memory, with back-pressure. `sql` uses `?` placeholders. */
  streamRows(knex: Knex, sql: string, bindings: readonly unknown[], options?: StreamOptions): AsyncIterable<SourceRow>
  /** Runs a small query and returns all its rows (counts, previews). */
  queryRows(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<SourceRow[]>
}
