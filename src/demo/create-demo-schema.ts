import type { Knex } from 'knex'
import { createTables } from './create-tables.js'
import { DEMO_SCHEMA } from './demo-schema.js'

/**
 * Creates the demo tables, primary keys and indexes through knex (PostgreSQL, MariaDB/MySQL, SQLite),
 * empty. Fill them with `loadDemoData`.
 *
 * ```ts
 * await createDemoSchema(knex)
 * await loadDemoData(knex, generateDemoData(DEFAULT_DEMO_OPTIONS))
 * ```
 */
export async function createDemoSchema(knex: Knex): Promise<void> {
  await createTables(knex, DEMO_SCHEMA)
}
