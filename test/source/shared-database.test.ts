import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import type { Knex } from 'knex'
import { loadMapping } from '../../src/config/load-mapping.js'
import { createDemoSchema } from '../../src/demo/create-demo-schema.js'
import { generateDemoData } from '../../src/demo/generate-demo-data.js'
import { loadDemoData } from '../../src/demo/load-demo-data.js'
import { createSource } from '../../src/source/create-source.js'
import { generateHomegrownData, HOMEGROWN_HISTORY } from '../fixtures/homegrown/generate-homegrown-data.js'
import { createHomegrownSchema, loadHomegrownData } from '../fixtures/homegrown/homegrown-knex.js'
import { extractFrom, retarget, type ExtractOutput, type ExtractRequest } from './extract-from.js'
import { createScratchDatabase, skippedTargets, TARGETS, type ScratchDatabase, type TargetName } from './scratch-database.js'

// One body for every live database: the same fixture loaded into SQLite, PostgreSQL and MariaDB, the same
// mapping (only source.dialect/connection swapped), and the output compared byte for byte.
// OPOWER_TEST_OUTPUT_DIGEST=FILE appends the outputs' SHA-256 to FILE (the time-zone soak compares them).

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url))

interface Fixture {
  readonly name: string
  readonly mappingFile: string
  load(knex: Knex): Promise<unknown>
  readonly runs: readonly Omit<ExtractRequest, 'tmpDir'>[]
}

const FIXTURES: readonly Fixture[] = [
  {
    name: 'demo (CC&B shape)',
    mappingFile: join(PROJECT, 'mappings/demo-sqlite.yaml'),
    async load(knex) {
      await createDemoSchema(knex)
      await loadDemoData(knex, generateDemoData({ customers: 60, seed: 5, historyStart: '2024-01-01', historyEnd: '2025-06-30' }))
    },
    runs: [
      { phase: 'full', endDate: '2025-06-15', from: '2024-02-01' },
      { phase: 'sample', endDate: '2025-06-15', from: '2024-02-01', sampleSize: 30, seed: '7' },
    ],
  },
  {
    name: 'home-grown shape',
    mappingFile: join(PROJECT, 'test/fixtures/homegrown/mapping.yaml'),
    async load(knex) {
      await createHomegrownSchema(knex)
      await loadHomegrownData(knex, generateHomegrownData({ accounts: 60, seed: 1 }))
    },
    runs: [
      { phase: 'full', endDate: HOMEGROWN_HISTORY.end, from: HOMEGROWN_HISTORY.start },
      { phase: 'sample', endDate: HOMEGROWN_HISTORY.end, from: HOMEGROWN_HISTORY.start, sampleSize: 20, seed: '3' },
    ],
  },
]

const skipped = skippedTargets()
const targets = TARGETS.filter((target) => !skipped.has(target))

for (const fixture of FIXTURES) {
  const present = existsSync(fixture.mappingFile)
  describe(`shared database suite, ${fixture.name}: ${targets.join(', ')} give identical files`, { skip: present ? false : `${fixture.mappingFile} does not exist yet` }, () => {
    let dir: string
    const databases = new Map<TargetName, ScratchDatabase>()

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'opx-shared-'))
      for (const target of targets) {
        const database = await createScratchDatabase(target, dir)
        databases.set(target, database)
        await fixture.load(database.knex)
      }
    })
    after(async () => {
      for (const database of databases.values()) await database.drop()
      await rm(dir, { recursive: true, force: true })
    })

    for (const run of fixture.runs) {
      it(`${run.phase} extract as of ${run.endDate}: the same bytes from every database`, async () => {
        const { mapping } = loadMapping(fixture.mappingFile)
        const outputs = new Map<TargetName, ExtractOutput>()
        for (const [target, database] of databases) {
          const runDir = join(dir, `${target}-${run.phase}`)
          outputs.set(target, await extractFrom(retarget(mapping, database, runDir), { ...run, tmpDir: dir }))
        }
        const [first, ...others] = [...outputs]
        const [firstTarget, expected] = first!
        assert.ok(expected.files.length > 0, 'files were written')
        const rows = expected.files.reduce((sum, file) => sum + file.text.split('\n').length - 2, 0)
        assert.ok(rows >= 20, `only ${rows} rows: the fixture does not exercise the extract`)
        for (const [target, output] of others) {
          assert.deepEqual(output.counts, expected.counts, `${target} counts differ from ${firstTarget}`)
          assert.deepEqual(
            output.files.map((file) => file.fileType),
            expected.files.map((file) => file.fileType),
          )
          output.files.forEach((file, i) => assert.equal(file.text, expected.files[i]!.text, `${target} ${file.fileType} file differs from ${firstTarget}`))
          assert.equal(output.rejects, expected.rejects, `${target} rejects differ from ${firstTarget}`)
        }
        const digestFile = process.env['OPOWER_TEST_OUTPUT_DIGEST']
        if (digestFile) {
          const digest = createHash('sha256')
          for (const file of expected.files) digest.update(`${file.fileType}\n${file.text}`)
          appendFileSync(digestFile, `${fixture.name} ${run.phase}: ${digest.digest('hex')} ${[...outputs.keys()].join(',')}\n`)
        }
      })
    }
  })
}

describe(`exact values through every dialect (${targets.join(', ')})`, () => {
  let dir: string
  const databases = new Map<TargetName, ScratchDatabase>()
  const DDL: Record<TargetName, string> = {
    sqlite: 'CREATE TABLE exact_values (d DATE, ts TIMESTAMP, big INTEGER, amount TEXT)',
    postgres: 'CREATE TABLE exact_values (d date, ts timestamp(6), big bigint, amount numeric(38,2))',
    mariadb: 'CREATE TABLE exact_values (d date, ts datetime(6), big bigint, amount decimal(38,2))',
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-exact-'))
    for (const target of targets) {
      const database = await createScratchDatabase(target, dir)
      databases.set(target, database)
      await database.knex.raw(DDL[target])
      await database.knex.raw(`INSERT INTO exact_values VALUES ('2024-03-10', '2024-03-10 02:30:00.123456', 9007199254740993, '12345678901234567890.12')`)
    }
  })
  after(async () => {
    for (const database of databases.values()) await database.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const sourceOf = async (database: ScratchDatabase) => {
    const { mapping } = loadMapping(join(PROJECT, 'mappings/demo-sqlite.yaml'))
    return createSource(retarget(mapping, database, join(dir, database.target)), { env: {} })
  }

  it(`formats dates, microsecond timestamps, bigints and long decimals exactly, in SQL (process TZ ${process.env['TZ'] ?? 'unset'})`, async () => {
    for (const [target, database] of databases) {
      const source = await sourceOf(database)
      try {
        const d = source.dialect
        const rows = await source.query(
          `SELECT ${d.formatDate('d')}, ${d.formatTimestamp('ts')}, ${d.formatNumber('big')}, ${d.formatNumber('amount')}, big, amount FROM exact_values`,
          [],
        )
        assert.deepEqual(
          rows,
          [['20240310', '2024-03-10 02:30:00.123456', '9007199254740993', '12345678901234567890.12', '9007199254740993', '12345678901234567890.12']],
          target,
        )
      } finally {
        await source.close()
      }
    }
  })

  it('compares a microsecond timestamp with bound text bounds, half-open, in the column type', async () => {
    for (const [target, database] of databases) {
      const source = await sourceOf(database)
      try {
        const count = async (lo: string, hi: string) => (await source.query('SELECT COUNT(*) FROM exact_values WHERE ts >= ? AND ts < ?', [lo, hi]))[0]![0]
        assert.equal(await count('2024-03-10 02:30:00.123456', '2024-03-10 02:30:00.123457'), '1', target)
        assert.equal(await count('2024-03-10 02:30:00.123457', '2024-03-10 02:30:01.000000'), '0', target)
        assert.equal(await count('2024-03-10 02:30:00.000000', '2024-03-10 02:30:00.123456'), '0', target)
        const dates = await source.query(`SELECT COUNT(*) FROM exact_values WHERE d >= ${source.dialect.dateParam()} AND d < ${source.dialect.dateParam()}`, ['2024-03-10', '2024-03-11'])
        assert.equal(dates[0]![0], '1', target)
      } finally {
        await source.close()
      }
    }
  })

  it('runs extract sessions in UTC, with no statement timeout and a long write timeout', async () => {
    const settings: Partial<Record<TargetName, [string, string[]]>> = {
      postgres: ['SELECT current_setting(\'TimeZone\'), current_setting(\'statement_timeout\')', ['UTC', '0']],
      mariadb: ['SELECT @@session.time_zone, @@session.net_write_timeout', ['+00:00', '3600']],
    }
    for (const [target, database] of databases) {
      const expected = settings[target]
      if (!expected) continue
      const source = await sourceOf(database)
      try {
        const snapshot = await source.snapshot()
        assert.deepEqual(await snapshot.query(expected[0], []), [expected[1]], target)
        await snapshot.close()
      } finally {
        await source.close()
      }
    }
  })

  it("reads the database's own clock as microsecond text", async () => {
    for (const [target, database] of databases) {
      const source = await sourceOf(database)
      try {
        const [[now]] = (await source.query(source.dialect.currentTimestampQuery(), [])) as [[string]]
        assert.match(now, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/, target)
        // The databases here run on this host's clock (UTC for the servers; SQLite's scale is local time).
        const drift = Math.abs(Date.parse(`${now.replace(' ', 'T').slice(0, 23)}Z`) - Date.now())
        assert.ok(drift < 15 * 3600_000, `${target} clock ${now}`)
      } finally {
        await source.close()
      }
    }
  })
})
