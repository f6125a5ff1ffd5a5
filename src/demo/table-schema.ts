/**
 * Table definitions as data, so one schema can be created on SQLite (directly, fast) and through knex on
 * PostgreSQL and MariaDB, and rows can be loaded the same way into all of them.
 */
export const PORTABLE_TYPES = ['text', 'integer', 'decimal', 'date', 'timestamp'] as const
/**
 * A column type every target understands. Values travel as JS strings, except `integer` (a number):
 * `date` is `YYYY-MM-DD`, `timestamp` is `YYYY-MM-DD HH:MM:SS.ffffff`, `decimal` is an exact decimal
 * string with 4 places (`'734.2500'`), which is what `decimal(18,4)` gives back on PostgreSQL/MariaDB.
 */
export type PortableType = (typeof PORTABLE_TYPES)[number]

/** One column. `length` bounds `text` columns (MariaDB cannot index an unbounded TEXT). */
export interface ColumnDef {
  readonly name: string
  readonly type: PortableType
  readonly nullable?: boolean
  readonly length?: number
}

/** A secondary index; `name` is unique in the database (PostgreSQL wants that) and under 64 characters. */
export interface IndexDef {
  readonly name: string
  readonly columns: readonly string[]
}

/** One table: its columns in order, its primary key and its secondary indexes. */
export interface TableDef {
  readonly name: string
  readonly columns: readonly ColumnDef[]
  readonly primaryKey: readonly string[]
  readonly indexes: readonly IndexDef[]
}

/** A value as generated and stored: text, an integer, or NULL. */
export type SqlValue = string | number | null

/** One generated row of one table, keyed by column name (every column present, NULL as `null`). */
export interface TableRow {
  readonly table: string
  readonly row: Readonly<Record<string, SqlValue>>
}

/** Rows per table, as loaded. */
export type TableCounts = Record<string, number>

/**
 * The SQLite declared type per portable type. SQLite has no date, timestamp or exact decimal type: a
 * `DECIMAL` column would get NUMERIC affinity and turn `'734.2500'` into the float 734.25, so decimals
 * are declared TEXT and keep their exact digits. `DATE`/`TIMESTAMP` (NUMERIC affinity) keep ISO text
 * as text, and tell a reader of the schema what the column holds.
 */
export const SQLITE_TYPES: Readonly<Record<PortableType, string>> = {
  text: 'TEXT',
  integer: 'INTEGER',
  decimal: 'TEXT',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
}

/** A primary key constraint name that is unique in the database. */
export function primaryKeyName(table: TableDef): string {
  return `${table.name}_pk`
}
