import type { Knex } from 'knex'
import type { SqlValue, TableCounts, TableDef, TableRow } from './table-schema.js'

/** Options of `insertRows`. */
export interface InsertRowsOptions {
  /**
   * Rows per INSERT statement (default 400). knex writes a multi-row insert on SQLite as
   * `select … union all select …`, and SQLite allows at most 500 terms in such a compound select.
   */
  readonly batchSize?: number
}

// PostgreSQL allows 65,535 bound parameters per statement, SQLite 32,766: stay well under both.
const MAX_BINDINGS = 30_000

/**
 * Inserts generated rows through knex in one transaction, in multi-row batches, and returns the rows
 * per table. Rows may come table by table or interleaved (a parent before its children): whenever one
 * table's batch is full, every pending batch is written in schema order, so a child row never reaches
 * the database before its parent.
 *
 * ```ts
 * const counts = await insertRows(knex, DEMO_SCHEMA, generateDemoData(options))
 * ```
 */
export async function insertRows(
  knex: Knex,
  tables: readonly TableDef[],
  rows: Iterable<TableRow> | AsyncIterable<TableRow>,
  options: InsertRowsOptions = {},
): Promise<TableCounts> {
  const batchSize = options.batchSize ?? 400
  const pending = new Map<string, Record<string, SqlValue>[]>(tables.map((table) => [table.name, []]))
  const limits = new Map(tables.map((table) => [table.name, limitOf(table, batchSize)]))
  const counts: TableCounts = Object.fromEntries(tables.map((table) => [table.name, 0]))

  await knex.transaction(async (trx) => {
    const flush = async (): Promise<void> => {
      for (const table of tables) {
        const batch = pending.get(table.name)
        if (!batch || batch.length === 0) continue
        await trx.insert(batch).into(table.name)
        counts[table.name] = (counts[table.name] ?? 0) + batch.length
        pending.set(table.name, [])
      }
    }
    for await (const { table, row } of rows) {
      const batch = pending.get(table)
      if (!batch) throw new Error(`insertRows: row for table "${table}", which is not in the schema`)
      batch.push({ ...row })
      if (batch.length >= (limits.get(table) ?? batchSize)) await flush()
    }
    await flush()
  })
  return counts
}

function limitOf(table: TableDef, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(MAX_BINDINGS / table.columns.length)))
}
