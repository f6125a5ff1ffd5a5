import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import knexFactory, { type Knex } from 'knex'
import { insertRows } from '../../src/demo/insert-rows.js'
import type { TableDef, TableRow } from '../../src/demo/table-schema.js'

// Two tables where the child really references the parent (a foreign key SQLite enforces), so a batch
// of children written before its parents' batch fails the test.
const TABLES: readonly TableDef[] = [
  { name: 'parent', columns: [{ name: 'id', type: 'text' }], primaryKey: ['id'], indexes: [] },
  {
    name: 'child',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'parent_id', type: 'text' },
      { name: 'amount', type: 'decimal', nullable: true },
    ],
    primaryKey: ['id'],
    indexes: [],
  },
]

function* interleaved(parents: number): Generator<TableRow> {
  let child = 0
  for (let p = 0; p < parents; p += 1) {
    yield { table: 'parent', row: { id: `P${p}` } }
    for (let c = 0; c < 3; c += 1) {
      child += 1
      yield { table: 'child', row: { id: child, parent_id: `P${p}`, amount: c === 0 ? null : `${child}.0100` } }
    }
  }
}

describe('insertRows', () => {
  let dir: string
  let knex: Knex

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-'))
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'rows.sqlite') },
      useNullAsDefault: true,
      pool: {
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (error: Error | null) => void) =>
          done((conn.pragma('foreign_keys = ON'), null)),
      },
    })
    await knex.raw('CREATE TABLE parent (id TEXT PRIMARY KEY)')
    await knex.raw(
      'CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent (id), amount TEXT)',
    )
  })
  after(async () => {
    await knex.destroy()
    await rm(dir, { recursive: true, force: true })
  })

  it('writes parents before children whatever the batch size, and counts the rows', async () => {
    // Children fill their batch three times as fast as parents: with batches of 2 a child batch is full
    // while its parent still waits in the parent batch.
    const counts = await insertRows(knex, TABLES, interleaved(50), { batchSize: 2 })
    assert.deepEqual(counts, { parent: 50, child: 150 })
    const rows = await knex('child').select('id', 'parent_id', 'amount').orderBy('id').limit(2)
    assert.deepEqual(rows, [
      { id: 1, parent_id: 'P0', amount: null },
      { id: 2, parent_id: 'P0', amount: '2.0100' },
    ])
  })

  it('takes async rows, and rolls everything back when a row is for an unknown table', async () => {
    async function* rows(): AsyncGenerator<TableRow> {
      yield { table: 'parent', row: { id: 'Q1' } }
      yield { table: 'nope', row: { id: 'x' } }
    }
    await assert.rejects(insertRows(knex, TABLES, rows()), /table "nope"/)
    assert.deepEqual(await knex('parent').where('id', 'Q1').select('id'), [])
    async function* good(): AsyncGenerator<TableRow> {
      yield* interleaved(1)
    }
    await knex('child').delete()
    await knex('parent').delete()
    assert.deepEqual(await insertRows(knex, TABLES, good()), { parent: 1, child: 3 })
  })
})
