import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import type { Mapping } from '../../src/config/mapping.js'
import { DatabaseOrderMismatch, readRecordsInSpecOrder, type SortPlace } from '../../src/extract/read-records-in-spec-order.js'
import type { ReadRecord } from '../../src/extract/read-record.js'
import { createSource } from '../../src/source/create-source.js'
import { generateHomegrownData, HOMEGROWN_HISTORY } from '../fixtures/homegrown/generate-homegrown-data.js'
import { createHomegrownSchema, loadHomegrownData } from '../fixtures/homegrown/homegrown-knex.js'
import { extractFrom, retarget } from './extract-from.js'
import { createScratchDatabase, skippedTargets, TARGETS, type ScratchDatabase, type TargetName } from './scratch-database.js'

// The database sorts the reads of a full historical (ORDER BY on the service point and the read date,
// compared by code unit); the extract only checks the order. Service point ids a collation orders
// differently from JavaScript (case, accents, digits as text, trailing spaces, NULL) must come out exactly
// as the sort on disk puts them, on every database, whatever the column's collation.

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url))
const MAPPING = join(PROJECT, 'test/fixtures/homegrown/mapping.yaml')

/** Ids a case- or accent-insensitive, numeric-aware or pad-space collation orders unlike JavaScript. */
const TRICKY_IDS = ['b', 'B', 'a', 'A', '10', '9', '010', 'x y', 'Z', 'z ', 'é', 'e', 'ß', '_1', '-1', 'ä', 'a-2', 'a2', null]

/** The column's own collation is the database's non-binary one, so only the extract's ORDER BY can get it right. */
const ALIAS_COLUMN: Record<TargetName, string> = {
  sqlite: 'ALTER TABLE customers ADD COLUMN sp_alias VARCHAR(20) COLLATE NOCASE',
  postgres: 'ALTER TABLE customers ADD COLUMN sp_alias VARCHAR(20) COLLATE "en-US-x-icu"',
  mariadb: 'ALTER TABLE customers ADD COLUMN sp_alias VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci',
}

const skipped = skippedTargets()
const targets = TARGETS.filter((target) => !skipped.has(target))

describe(`reads ordered by the database match the sort on disk (${targets.join(', ')})`, () => {
  let dir: string
  const databases = new Map<TargetName, ScratchDatabase>()

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-db-order-'))
    for (const target of targets) {
      const database = await createScratchDatabase(target, dir)
      databases.set(target, database)
      await createHomegrownSchema(database.knex)
      await loadHomegrownData(database.knex, generateHomegrownData({ accounts: 60, seed: 1 }))
      await database.knex.raw(ALIAS_COLUMN[target])
      const meters = (await database.knex('customers').distinct('meter_id').orderBy('meter_id')) as { meter_id: string }[]
      for (const [i, { meter_id }] of meters.entries()) {
        const base = TRICKY_IDS[i % TRICKY_IDS.length]!
        // Each meter its own service point, most of them sharing a tricky stem.
        const alias = base === null || i < TRICKY_IDS.length ? base : `${base}${Math.floor(i / TRICKY_IDS.length)}`
        await database.knex('customers').where({ meter_id }).update({ sp_alias: alias })
      }
    }
  })
  after(async () => {
    for (const database of databases.values()) await database.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const filter = { from: HOMEGROWN_HISTORY.start, toExclusive: '2100-01-01' }

  async function recordsOf(mapping: Mapping, sortIn: SortPlace): Promise<ReadRecord[]> {
    const source = createSource(mapping, { env: {} })
    try {
      const records: ReadRecord[] = []
      for await (const batch of readRecordsInSpecOrder(source, mapping, [filter], { sortIn, tmpDir: dir })) records.push(...batch)
      return records
    } finally {
      await source.close()
    }
  }

  function withServicePoint(mapping: Mapping, sql: string): Mapping {
    const columns = new Map(mapping.columns)
    const rule = columns.get('service_point_id')!
    columns.set('service_point_id', { ...rule, source: { kind: 'sql', sql } })
    return { ...mapping, columns }
  }

  for (const target of targets) {
    it(`${target}: the same records in the same order as the sort on disk, with a non-binary column collation`, async () => {
      const mapping = withServicePoint(retarget(loadMapping(MAPPING).mapping, databases.get(target)!, join(dir, target)), 'c.sp_alias')
      const byDatabase = await recordsOf(mapping, 'database')
      const onDisk = await recordsOf(mapping, 'disk')
      assert.ok(onDisk.length > 500, `only ${onDisk.length} records`)
      const servicePoints = new Set(onDisk.map((record) => record[0]))
      for (const id of ['B', 'b', 'A', 'a', 'Z', 'z', 'é', 'e', '']) assert.ok(servicePoints.has(id), `the fixture has service point "${id}"`)
      assert.deepEqual(byDatabase, onDisk)
    })

    it(`${target}: a database order the extract cannot follow (a leading tab it trims) fails with DatabaseOrderMismatch`, async () => {
      const database = databases.get(target)!
      const mapping = withServicePoint(retarget(loadMapping(MAPPING).mapping, database, join(dir, `${target}-tab`)), `CASE WHEN c.sp_alias = 'a' THEN '\tzz' ELSE c.sp_alias END`)
      await assert.rejects(recordsOf(mapping, 'database'), (error: unknown) => {
        assert.ok(error instanceof DatabaseOrderMismatch, String(error))
        assert.match(error.message, /row \d+: service point "[^"]*" read on \d{8} came after "zz"/)
        return true
      })
      // The sort on disk, which the extract falls back to, has no such trouble.
      assert.ok((await recordsOf(mapping, 'disk')).some((record) => record[0] === 'zz'))
    })

    it(`${target}: an extract the database cannot order says so, sorts on disk instead and writes what the sort on disk writes`, async () => {
      const database = databases.get(target)!
      const tabbed = (folder: string, sort: 'database' | 'disk') => {
        const mapping = withServicePoint(retarget(loadMapping(MAPPING).mapping, database, join(dir, folder)), `CASE WHEN c.sp_alias = 'a' THEN '\tzz' ELSE c.sp_alias END`)
        return { ...mapping, source: { ...mapping.source, sort } }
      }
      const run = { phase: 'full', endDate: HOMEGROWN_HISTORY.end, from: HOMEGROWN_HISTORY.start, tmpDir: dir } as const
      const log: string[] = []
      const fellBack = await extractFrom(tabbed(`${target}-fallback`, 'database'), { ...run, log: (line) => log.push(line) })
      const onDisk = await extractFrom(tabbed(`${target}-disk`, 'disk'), run)
      assert.ok(log.some((line) => /differs from spec order at row \d+: .*; sorting on disk instead/.test(line)), log.join('\n'))
      assert.ok(fellBack.counts.written > 500)
      assert.deepEqual(fellBack.counts, onDisk.counts)
      assert.deepEqual(fellBack.files, onDisk.files)
    })
  }
})
