import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import knexFactory, { type Knex } from 'knex'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'
import { createDemoSchema } from '../../src/demo/create-demo-schema.js'
import { DEMO_SCHEMA } from '../../src/demo/demo-schema.js'
import { generateDemoData } from '../../src/demo/generate-demo-data.js'
import { loadDemoData } from '../../src/demo/load-demo-data.js'
import { tableContent } from './table-content.js'

const OPTIONS = { customers: 250, seed: 3, historyStart: '2024-01-01', historyEnd: '2025-06-30' }

describe('createDemoSchema + loadDemoData (knex on better-sqlite3)', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const loadThroughKnex = async (path: string): Promise<Record<string, number>> => {
    const knex: Knex = knexFactory({ client: 'better-sqlite3', connection: { filename: path }, useNullAsDefault: true })
    try {
      await createDemoSchema(knex)
      return await loadDemoData(knex, generateDemoData(OPTIONS))
    } finally {
      await knex.destroy()
    }
  }

  it('yields the same rows, values and storage classes as the better-sqlite3 fast path', async () => {
    const fast = createDemoDatabase(join(dir, 'fast.sqlite'), OPTIONS)
    const counts = await loadThroughKnex(join(dir, 'knex.sqlite'))
    assert.deepEqual(counts, fast.counts)
    const fastDb = new Database(fast.path, { readonly: true })
    const knexDb = new Database(join(dir, 'knex.sqlite'), { readonly: true })
    try {
      for (const table of DEMO_SCHEMA) {
        const expected = tableContent(fastDb, table)
        assert.ok(expected.length > 0, table.name)
        assert.deepEqual(tableContent(knexDb, table), expected, table.name)
      }
      // Same primary keys and indexes, so the extract plans the same queries on either.
      const indexes = (db: Database.Database): unknown[] =>
        db
          .prepare(
            `SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY 2`,
          )
          .all()
      assert.deepEqual(indexes(knexDb), indexes(fastDb))
    } finally {
      fastDb.close()
      knexDb.close()
    }
  })
})
