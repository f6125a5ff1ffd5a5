import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { TableDef } from '../../src/demo/table-schema.js'

/**
 * Every row of a table, ordered by primary key, one JSON array per row with each value and its SQLite
 * storage class (so `'734.2500'` stored as text and `734.25` stored as a float never compare equal).
 */
export function tableContent(db: Database.Database, table: TableDef): string[] {
  const select = table.columns.map((column) => `"${column.name}", typeof("${column.name}")`).join(', ')
  const order = table.primaryKey.map((column) => `"${column}"`).join(', ')
  return db
    .prepare(`SELECT ${select} FROM "${table.name}" ORDER BY ${order}`)
    .raw()
    .all()
    .map((row) => JSON.stringify(row))
}

/** A digest of every table's content, per table. */
export function contentDigests(db: Database.Database, tables: readonly TableDef[]): Record<string, string> {
  return Object.fromEntries(
    tables.map((table) => {
      const hash = createHash('sha256')
      for (const line of tableContent(db, table)) hash.update(line).update('\n')
      return [table.name, hash.digest('hex')]
    }),
  )
}
