import type { Knex } from 'knex'
import { DEMO_SCHEMA, type DemoTableName } from './demo-schema.js'
import { insertRows, type InsertRowsOptions } from './insert-rows.js'
import type { TableRow } from './table-schema.js'

/**
 * Inserts demo rows (from `generateDemoData`) through knex into tables made by `createDemoSchema`, in
 * batches, in one transaction. Returns the rows per table.
 */
export async function loadDemoData(
  knex: Knex,
  rows: Iterable<TableRow> | AsyncIterable<TableRow>,
  options: InsertRowsOptions = {},
): Promise<Record<DemoTableName, number>> {
  return (await insertRows(knex, DEMO_SCHEMA, rows, options)) as Record<DemoTableName, number>
}
