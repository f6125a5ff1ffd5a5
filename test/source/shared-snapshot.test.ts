import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import { createSource } from '../../src/source/create-source.js'
import { retarget } from './extract-from.js'
import { createScratchDatabase, skippedTargets, TARGETS, type ScratchDatabase, type TargetName } from './scratch-database.js'

// The reconciliation count runs on a second connection while the reads stream, and must still count the
// very snapshot the reads come from: a row committed in between is seen by neither or by both.

const MAPPING = fileURLToPath(new URL('../../../test/fixtures/homegrown/mapping.yaml', import.meta.url))
const skipped = skippedTargets()
const targets = TARGETS.filter((target) => !skipped.has(target))

describe(`a snapshot shared with a second connection (${targets.join(', ')})`, () => {
  let dir: string
  const databases = new Map<TargetName, ScratchDatabase>()
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-share-'))
    for (const target of targets) {
      const database = await createScratchDatabase(target, dir)
      databases.set(target, database)
      await database.knex.schema.createTable('counted', (table) => table.integer('id'))
      await database.knex('counted').insert([{ id: 1 }, { id: 2 }])
    }
  })
  after(async () => {
    for (const database of databases.values()) await database.drop()
    await rm(dir, { recursive: true, force: true })
  })

  for (const target of targets) {
    it(`${target}: the second connection sees exactly the first one's snapshot, or there is none to share`, async () => {
      const database = databases.get(target)!
      const source = createSource(retarget(loadMapping(MAPPING).mapping, database, join(dir, target)), { env: {} })
      const count = 'SELECT COUNT(*) FROM counted'
      try {
        const snapshot = await source.snapshot()
        const shared = await snapshot.share()
        try {
          if (target !== 'postgres') {
            assert.equal(shared, undefined, `${target} cannot share a snapshot between connections`)
            return
          }
          assert.ok(shared, 'PostgreSQL shares its snapshot')
          await database.knex('counted').insert({ id: 3 })
          assert.equal((await source.query(count, []))[0]![0], '3', 'a fresh connection sees the new row')
          assert.equal((await snapshot.query(count, []))[0]![0], '2', 'the snapshot does not')
          assert.equal((await shared.query(count, []))[0]![0], '2', 'nor does the connection sharing it')
          await assert.rejects(shared.query('INSERT INTO counted VALUES (4)', []), /read-only/i, 'the shared snapshot is read-only too')
        } finally {
          await shared?.close()
          await snapshot.close()
        }
      } finally {
        await source.close()
      }
    })
  }
})
