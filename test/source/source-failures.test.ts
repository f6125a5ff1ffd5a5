import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import type { Mapping } from '../../src/config/mapping.js'
import { createDemoSchema } from '../../src/demo/create-demo-schema.js'
import { generateDemoData } from '../../src/demo/generate-demo-data.js'
import { loadDemoData } from '../../src/demo/load-demo-data.js'
import { categoryOf } from '../../src/errors/error-codes.js'
import { EXIT_CODES } from '../../src/errors/exit-codes.js'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { createSource, type Source } from '../../src/source/create-source.js'
import { StateStore } from '../../src/state/state-store.js'
import { extractFrom, retarget } from './extract-from.js'
import { createScratchDatabase, skippedTargets, type ScratchDatabase, type TargetName } from './scratch-database.js'

// What a user sees when the database is wrong or goes wrong, on the live PostgreSQL and MariaDB servers.

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const DEMO_MAPPING = join(PROJECT, 'mappings/demo-sqlite.yaml')
const skipped = skippedTargets()
const SERVERS = (['postgres', 'mariadb'] as const).filter((target) => !skipped.has(target))

/** Per server: how to make a query slow per row, and how to kill the session running a marked query. */
const SERVER_SQL = {
  postgres: {
    slowRow: "pg_sleep(0.003)::text = ''",
    sleep: (seconds: number) => `SELECT pg_sleep(${seconds})`,
    series: (n: number) => `SELECT i, repeat('x', 100) FROM generate_series(1, ${n}) AS s(i)`,
    sessionId: 'SELECT pg_backend_pid()',
    kill: async (db: ScratchDatabase, marker: string) => {
      const result = (await db.admin(`SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE query LIKE ? AND query LIKE '%AS f0%' AND pid <> pg_backend_pid()`, [`%${marker}%`])) as { rows: unknown[] }
      return result.rows.length
    },
  },
  mariadb: {
    slowRow: 'SLEEP(0.003) = 0',
    sleep: (seconds: number) => `SELECT SLEEP(${seconds})`,
    series: (n: number) => `SELECT seq, REPEAT('x', 100) FROM seq_1_to_${n}`,
    sessionId: 'SELECT CONNECTION_ID()',
    kill: async (db: ScratchDatabase, marker: string) => {
      const [rows] = (await db.admin(`SELECT id FROM information_schema.processlist WHERE info LIKE ? AND info LIKE '%AS f0%' AND id <> CONNECTION_ID()`, [`%${marker}%`])) as [{ id: number }[]]
      for (const row of rows) await db.admin(`KILL ${Number(row.id)}`)
      return rows.length
    },
  },
} as const

function expectCode(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(isToolkitError(error), `expected a ToolkitError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    if (pattern) assert.match(error.message, pattern)
    return true
  }
}

for (const target of SERVERS) {
  const server = SERVER_SQL[target]
  describe(`${target}: failures are clear, categorised and never hang`, () => {
    let dir: string
    let db: ScratchDatabase
    let base: Mapping

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'opx-fail-'))
      db = await createScratchDatabase(target, dir)
      await createDemoSchema(db.knex)
      await loadDemoData(db.knex, generateDemoData({ customers: 30, seed: 2, historyStart: '2024-01-01', historyEnd: '2024-12-31' }))
      base = retarget(loadMapping(DEMO_MAPPING).mapping, db, join(dir, 'base'), 30)
    })
    after(async () => {
      await db.drop()
      await rm(dir, { recursive: true, force: true })
    })

    const withSource = async <T>(mapping: Mapping, body: (source: Source) => Promise<T>): Promise<T> => {
      const source = createSource(mapping, { env: {} })
      try {
        return await body(source)
      } finally {
        await source.close()
      }
    }
    const withStall = (seconds: number): Mapping => ({ ...base, source: { ...base.source, stallTimeoutSeconds: seconds } })

    it('a session killed mid-stream (pg_terminate_backend / KILL) fails the extract with SOURCE_CONNECTION_LOST and leaves no file', async () => {
      const marker = `oe_kill_${randomBytes(4).toString('hex')}`
      // The marker leads the SELECT list: servers show only the first 1 KB of a statement's text.
      const slowed = {
        ...base,
        reads: { ...base.reads, key: `CASE WHEN '${marker}' = '${marker}' THEN bs.bseg_id END` },
        query: { ...(base.query as Extract<Mapping['query'], { kind: 'tables' }>), where: `bs.bseg_stat_flg = '50' AND ${server.slowRow}` },
      }
      const mapping = retarget(slowed, db, join(dir, 'killed'), 30)
      const started = Date.now()
      const extract = extractFrom(mapping, { phase: 'full', endDate: '2024-12-31', from: '2024-01-01', tmpDir: dir })
      const outcome = extract.then(
        () => undefined,
        (error: unknown) => error,
      )
      let killed = 0
      while (killed === 0 && Date.now() - started < 60_000) {
        await sleep(200)
        killed = await server.kill(db, marker)
      }
      assert.ok(killed > 0, 'the read query was seen running and killed')
      const error = await outcome
      expectCode('SOURCE_CONNECTION_LOST', /connection to the .* database was lost/)(error)
      assert.ok(Date.now() - started < 60_000)
      const files = readdirSync(mapping.output.folder).filter((name) => name.startsWith('opwr_'))
      assert.deepEqual(files, [], 'no file under a final name')
      const state = StateStore.open(mapping.output.state)
      try {
        assert.deepEqual(state.runs(), [], 'no run recorded: the state is unchanged')
      } finally {
        state.close()
      }
    })

    it('a query that sends nothing for source.stall_timeout fails with SOURCE_STALLED; the next read gets a fresh connection', async () => {
      await withSource(withStall(1), async (source) => {
        const healthy = await source.snapshot()
        const [[firstId]] = (await healthy.query(server.sessionId, [])) as [[string]]
        await healthy.close()
        const reused = await source.snapshot()
        const [[reusedId]] = (await reused.query(server.sessionId, [])) as [[string]]
        assert.equal(reusedId, firstId, 'a healthy connection goes back to the pool')
        const started = Date.now()
        await assert.rejects(async () => {
          for await (const _ of reused.stream(server.sleep(20), [])) void _
        }, expectCode('SOURCE_STALLED', /source\.stall_timeout: .* sent nothing for 1 s/))
        assert.ok(Date.now() - started < 6_000, `stalled after ${Date.now() - started} ms`)
        await reused.close()
        const fresh = await source.snapshot()
        const [[freshId]] = (await fresh.query(server.sessionId, [])) as [[string]]
        await fresh.close()
        assert.notEqual(freshId, firstId, 'the stalled connection was destroyed, not reused')
      })
    })

    it('a consumer that pauses longer than the watchdog is not a stall: the stream completes', async () => {
      await withSource(withStall(1), async (source) => {
        let rows = 0
        for await (const row of source.stream(server.series(5000), [], { batchSize: 100 })) {
          rows += 1
          if (rows === 10) await sleep(3000)
          assert.equal(row[1]!.length, 100)
        }
        assert.equal(rows, 5000)
      })
    })

    it('a snapshot sees one state of the database and is read-only', async () => {
      await withSource(base, async (source) => {
        const snapshot = await source.snapshot()
        try {
          const count = async (reader: { query: Source['query'] }) => (await reader.query('SELECT COUNT(*) FROM ci_per', []))[0]![0]
          const before = await count(snapshot)
          await db.knex('ci_per').insert({ per_id: 'SNAP000001', per_or_bus_flg: 'P', language_cd: 'ENG', version: 1 })
          assert.equal(await count(snapshot), before, 'the snapshot does not see a later commit')
          assert.equal(await count(source), String(Number(before) + 1), 'a new read does')
          await assert.rejects(snapshot.query("UPDATE ci_per SET language_cd = 'FRA'", []), expectCode('SOURCE_QUERY_FAILED', /read.only|READ ONLY/i))
        } finally {
          await snapshot.close()
          await db.knex('ci_per').where({ per_id: 'SNAP000001' }).delete()
        }
      })
    })

    it('names the mapping key of a missing table or column and quotes the database', async () => {
      const tables = base.query as Extract<Mapping['query'], { kind: 'tables' }>
      const missingTable = { ...base, query: { ...tables, joins: tables.joins.map((join) => (join.as === 'sp' ? { ...join, table: 'ci_spx' } : join)) } }
      await assert.rejects(
        extractFrom(retarget(missingTable, db, join(dir, 'table')), { phase: 'full', endDate: '2024-12-31', from: '2024-01-01', tmpDir: dir }),
        expectCode('SOURCE_TABLE_MISSING', /joins\[2\]\.table: table \S*ci_spx\S* does not exist in the \w+ database: .*ci_spx/),
      )
      const columns = new Map(base.columns)
      columns.set('read_cycle', { ...columns.get('read_cycle')!, source: { kind: 'sql', sql: 'sp.mr_cyc_cdx' } })
      await assert.rejects(
        extractFrom(retarget({ ...base, columns }, db, join(dir, 'column')), { phase: 'full', endDate: '2024-12-31', from: '2024-01-01', tmpDir: dir }),
        expectCode('SOURCE_COLUMN_MISSING', /columns\.read_cycle\.sql: column \S*mr_cyc_cdx\S* does not exist in the \w+ database: .*mr_cyc_cdx/),
      )
    })
  })
}

describe(`command line: a distinct exit code per database failure (${SERVERS.join(', ')})`, () => {
  let dir: string
  const databases = new Map<TargetName, ScratchDatabase>()
  let user: string | undefined

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-exit-'))
    for (const target of SERVERS) {
      const db = await createScratchDatabase(target, dir)
      databases.set(target, db)
      await createDemoSchema(db.knex)
    }
    const mariadb = databases.get('mariadb')
    if (mariadb) {
      user = `oe_${randomBytes(4).toString('hex')}`
      await mariadb.admin(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-password'`)
    }
  })
  after(async () => {
    if (user) await databases.get('mariadb')!.admin(`DROP USER '${user}'@'%'`)
    for (const db of databases.values()) await db.drop()
    await rm(dir, { recursive: true, force: true })
  })

  /** Runs `extract` with the demo mapping pointed at `connection` (YAML lines) and returns the exit code and output. */
  const extract = (name: string, dialect: string, connection: string, edit: (text: string) => string = (text) => text) => {
    const text = edit(readFileSync(DEMO_MAPPING, 'utf8'))
      .replace(/source:\n  dialect: sqlite\n  connection:\n    filename: \S+\n/, `source:\n  dialect: ${dialect}\n  connection:\n${connection}\n`)
      .replace('../demo/out', join(dir, name, 'out'))
      .replace('../demo/state', join(dir, name, 'state'))
    const file = join(dir, `${name}.yaml`)
    writeFileSync(file, text)
    const result = spawnSync(process.execPath, [BIN, 'extract', '--mapping', file, '--phase', 'full', '--end-date', '2024-12-31', '--from', '2024-01-01'], { encoding: 'utf8', env: { ...process.env, PW: 'wrong-password' } })
    return { status: result.status, output: `${result.stdout}${result.stderr}` }
  }
  const yamlOf = (connection: Record<string, string | number>) =>
    Object.entries(connection)
      .map(([key, value]) => `    ${key}: ${value}`)
      .join('\n')

  for (const target of SERVERS) {
    const dialect = target === 'postgres' ? 'postgres' : 'mysql'
    it(`${target}: unreachable 75, login refused 77, missing table or column 69 (and a lost session 76)`, () => {
      const db = databases.get(target)!
      const unreachable = extract(`${target}-down`, dialect, yamlOf({ ...db.connection, port: 1 }))
      assert.equal(unreachable.status, 75, unreachable.output)
      assert.match(unreachable.output, /SOURCE_CONNECT_FAILED: .*source\.connection: cannot reach the \w+ database \(127\.0\.0\.1:1\/\w+\): .*ECONNREFUSED/)

      const login = target === 'postgres' ? yamlOf({ ...db.connection, user: 'oe_no_such_role' }) : yamlOf({ ...db.connection, user: user!, password: '${env:PW}' })
      const refused = extract(`${target}-login`, dialect, login)
      assert.equal(refused.status, 77, refused.output)
      assert.match(refused.output, target === 'postgres' ? /SOURCE_ACCESS_DENIED: .*refused the login.*role "oe_no_such_role" does not exist/ : /SOURCE_ACCESS_DENIED: .*refused the login.*Access denied for user/)
      assert.doesNotMatch(refused.output, /wrong-password/)

      const table = extract(`${target}-table`, dialect, yamlOf(db.connection), (text) => text.replace('{ table: ci_bseg_sq, as: sq', '{ table: ci_bseg_sqx, as: sq'))
      assert.equal(table.status, 69, table.output)
      assert.match(table.output, /SOURCE_TABLE_MISSING: .*joins\[8\]\.table: table \S*ci_bseg_sqx/)

      const column = extract(`${target}-column`, dialect, yamlOf(db.connection), (text) => text.replace('usage_charge: { sql: calc.calc_amt', 'usage_charge: { sql: calc.calc_amtx'))
      assert.equal(column.status, 69, column.output)
      assert.match(column.output, /SOURCE_COLUMN_MISSING: .*columns\.usage_charge\.sql: column \S*calc_amtx/)

      const codes = ['SOURCE_CONNECT_FAILED', 'SOURCE_ACCESS_DENIED', 'SOURCE_TABLE_MISSING', 'SOURCE_CONNECTION_LOST'] as const
      const exits = codes.map((code) => EXIT_CODES[categoryOf(code)])
      assert.deepEqual(exits, [75, 77, 69, 76])
      assert.equal(EXIT_CODES[categoryOf('SOURCE_STALLED')], 76)
      assert.equal(EXIT_CODES[categoryOf('SOURCE_COLUMN_MISSING')], 69)
    })
  }
})
