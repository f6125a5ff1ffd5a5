import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { loadMapping } from '../../src/config/load-mapping.js'
import { runIncrementalExtract } from '../../src/extract/run-incremental-extract.js'
import { createSource } from '../../src/source/create-source.js'
import { deliveredRowsSql, searchDeliveredRows, SEARCH_KEYS } from '../../src/state/search-delivered-rows.js'
import { StateStore, stateFilePath } from '../../src/state/state-store.js'
import { DemoExtractFixture } from '../extract/demo-extract-fixture.js'
import { contentOf } from '../extract/run-extract.js'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function withState<T>(dir: string, use: (state: StateStore) => T): T {
  const state = StateStore.open(dir)
  try {
    return use(state)
  } finally {
    state.close()
  }
}

function deliverAndAccept(stateDir: string, runId: string): void {
  withState(stateDir, (state) => {
    for (const file of state.runFiles(runId)) state.markFileSent(file.fileName, { remotePath: `/shared_files/${file.fileName}`, sentAt: new Date().toISOString(), manual: false })
    state.acceptRun(runId, new Date().toISOString())
  })
}

describe('search on a real workspace (spawned)', () => {
  let fixture: DemoExtractFixture
  let mappingFile: string
  let stateDir: string
  let fullRunId: string
  let backfillRunId: string
  /** A data row of the accepted full historical, by header name, with the file it is in. */
  let picked: Record<string, string>
  let fullFile: string
  let fullPath: string

  before(async () => {
    fixture = new DemoExtractFixture(40)
    const dir = mkdtempSync(join(fixture.dir, 'search-'))
    stateDir = join(dir, 'state')
    mappingFile = fixture.mapping((text) => text.replace('../demo/state', stateDir))
    const full = await fixture.extract({ mappingFile, phase: 'full' })
    fullRunId = full.runId
    deliverAndAccept(stateDir, full.runId)
    const file = full.files[0]!
    fullFile = file.fileName
    fullPath = file.path
    const lines = contentOf(file.path).split('\n')
    const header = lines[0]!.split('\t')
    picked = Object.fromEntries(lines[Math.floor(lines.length / 2)]!.split('\t').map((value, i) => [header[i]!, value]))

    // A --keys backfill of the picked account: a newer run with the same rows, left unaccepted (generated).
    const { mapping } = loadMapping(mappingFile)
    const source = createSource(mapping, { env: {} })
    try {
      const backfill = await runIncrementalExtract({ mapping, source, request: { kind: 'keys', reads: [], accounts: [picked.account_id!] }, outDir: mapping.output.folder, tmpDir: fixture.dir, log: () => {} })
      backfillRunId = backfill.runId
    } finally {
      await source.close()
    }
  })
  after(() => fixture.dispose())

  it('lists every accepted row of an account with its run, file and line; the line holds that row; no names or addresses', () => {
    const run = cli('search', '--mapping', mappingFile, '--account', picked.account_id!)
    assert.equal(run.code, 0, run.stderr)
    const rows = run.stdout.split('\n').filter((line) => line.startsWith(fullRunId))
    const lines = contentOf(fullPath).split('\n')
    const servicePointColumn = lines[0]!.split('\t').indexOf('service_point_id')
    const expected = lines.filter((line) => line.split('\t').includes(picked.account_id!)).length
    assert.ok(expected > 1)
    assert.equal(rows.length, expected, run.stdout)
    assert.match(run.stdout, new RegExp(`^accepted rows for account ${picked.account_id}, newest run first:`))
    assert.match(run.stdout, new RegExp(`\n${expected} row\\(s\\)\n$`))
    assert.doesNotMatch(run.stdout, new RegExp(backfillRunId), 'a run awaiting its verdict is left out by default')
    for (const row of rows) {
      const [, file, line] = /^\S+ {2}(\S+):(\d+) /.exec(row)!
      assert.equal(file, fullFile)
      const fields = lines[Number(line) - 1]!.split('\t')
      assert.ok(fields.includes(picked.account_id!), `line ${line} of ${file} is a row of the account`)
      assert.match(row, new RegExp(`service point ${fields[servicePointColumn]} `))
    }
    for (const [column, value] of Object.entries(picked)) {
      if (/name|address/.test(column) && value.length > 3) assert.ok(!run.stdout.includes(value), `${column} is not printed`)
    }
  })

  it('--all-runs puts the newer unaccepted run first, marked; JSON has the same rows', () => {
    const run = cli('search', '--mapping', mappingFile, '--service-point', picked.service_point_id!, '--all-runs', '--format', 'json')
    assert.equal(run.code, 0, run.stderr)
    const result = JSON.parse(run.stdout) as { search: unknown; rows: { runId: string; runStatus: string; accepted: boolean; servicePointId: string; fileName: string; line: number }[] }
    assert.deepEqual(result.search, { by: 'service-point', id: picked.service_point_id, allRuns: true })
    assert.ok(result.rows.every((row) => row.servicePointId === picked.service_point_id))
    const runs = [...new Set(result.rows.map((row) => row.runId))]
    assert.deepEqual(runs, [backfillRunId, fullRunId], 'newest run first')
    assert.deepEqual([...new Set(result.rows.map((row) => `${row.runStatus} ${row.accepted}`))], ['generated false', 'accepted true'])
    const text = cli('search', '--mapping', mappingFile, '--service-point', picked.service_point_id!, '--all-runs')
    assert.match(text.stdout, new RegExp(`\n${backfillRunId} \\(generated, not accepted\\)  opwr_`))
    assert.equal(text.stdout.split('\n').filter((line) => /^(full|incremental)-/.test(line)).length, result.rows.length)
  })

  it('says so and exits 0 when nothing matches; exits 66 when the state folder does not exist; refuses two ids', () => {
    const none = cli('search', '--mapping', mappingFile, '--customer', 'NO-SUCH-CUSTOMER')
    assert.equal(none.code, 0, none.stderr)
    assert.equal(none.stdout, 'no accepted rows for customer NO-SUCH-CUSTOMER\n')
    const json = cli('search', '--mapping', mappingFile, '--customer', 'NO-SUCH-CUSTOMER', '--format', 'json')
    assert.deepEqual(JSON.parse(json.stdout).rows, [])

    const fresh = fixture.mapping((text) => text.replace('../demo/state', join(fixture.dir, 'never-extracted')))
    const missing = cli('search', '--mapping', fresh, '--account', picked.account_id!)
    assert.equal(missing.code, 66)
    assert.match(missing.stderr, /STATE_NOT_FOUND: there is no workspace state in .*never-extracted/)

    const two = cli('search', '--mapping', mappingFile, '--account', '1', '--customer', '2')
    assert.equal(two.code, 64)
    assert.match(two.stderr, /give exactly one of --account, --customer, --service-point \(got --account, --customer\)/)
  })
})

describe('search on a state written before its parts were named apart (schema 3)', () => {
  it('reads the file name each read carries, without asking for run_parts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opx-search-v3-'))
    try {
      withState(dir, (state) => {
        state.recordRun({ runId: 'full-0001', seq: 1, mappingKey: 'dem_res', window: { kind: 'historical', from: '2025-01-01', end: '2025-12-31' }, phase: 'full', mappingFile: 'm.yaml', createdAt: 't', windowFrom: '2025-01-01', windowTo: '2025-12-31', status: 'generated', summary: {}, files: [] }, undefined)
        state.acceptRun('full-0001', 't')
        state.recordDeliveredReads(1, [{ readKey: 'R1', readHash: 'h', fileName: 'opwr_old.gz', line: 2, servicePointId: 'SP1', accountId: 'A1', customerId: 'C1', dateTo: '20250131', duration: 30 }])
      })
      const db = new Database(stateFilePath(dir))
      db.exec('DROP VIEW named_run_reads; DROP TABLE run_parts; PRAGMA user_version = 3')
      db.close()
      const rows = [...searchDeliveredRows(dir, { by: 'account', id: 'A1', mappingKey: 'dem_res', includeUnaccepted: false })]
      assert.deepEqual(rows.map((row) => [row.runId, row.fileName, row.line]), [['full-0001', 'opwr_old.gz', 2]])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('search on a state of millions of rows', () => {
  const ROWS = 3_000_000
  const RUNS = 300
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'opx-search-'))
    withState(dir, () => {}) // creates the schema
    const db = new Database(stateFilePath(dir))
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    db.pragma('cache_size = -65536')
    // The state's own indexes, built once after the insert (3 times faster than updating them row by row).
    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'run_reads' AND sql IS NOT NULL`).all() as { name: string; sql: string }[]
    assert.equal(indexes.length, 4)
    db.transaction(() => {
      for (const index of indexes) db.exec(`DROP INDEX ${index.name}`)
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO runs (run_id, phase, mapping_file, created_at, window_from, window_to, status, summary, seq, mapping_key)
         SELECT printf('incremental-%04d', i), 'incremental', 'm.yaml', '2026-01-01', '', '', CASE WHEN i % 10 = 0 THEN 'rejected' ELSE 'accepted' END, '{}', i, 'dem_res' FROM n`,
      ).run(RUNS)
      // 100,000 service points of 30 reads each, one read per run of its block; 2 service points per account, 4 per customer.
      // Zero-padded keys arrive in key order, so the insert appends to the B-trees.
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
         INSERT INTO run_reads SELECT 1 + (i % ${RUNS}), printf('R%08d', i), 'h', printf('opwr_%04d.gz', 1 + (i % ${RUNS})), 2 + i / ${RUNS},
           printf('SP%06d', i / 30), printf('A%06d', i / 60), printf('C%06d', i / 120), '2026-01-01', 30 FROM n`,
      ).run(ROWS)
      for (const index of indexes) db.exec(index.sql)
    })()
    db.close()
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('answers from the index of the searched id (query plan), newest run first, without rejected runs', (t) => {
    const db = new Database(stateFilePath(dir), { readonly: true })
    try {
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM run_reads').get() as { n: number }).n, ROWS)
      const index = { account: 'run_reads_account', customer: 'run_reads_customer', 'service-point': 'run_reads_service_point' }
      for (const by of SEARCH_KEYS) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${deliveredRowsSql({ by, includeUnaccepted: false })}`).all('x', 'dem_res') as { detail: string }[]).map((step) => step.detail)
        assert.match(plan[0]!, new RegExp(`^SEARCH d USING INDEX ${index[by]} \\(`), `${by}: ${plan.join(' | ')}`)
        assert.ok(!plan.some((step) => /^SCAN/.test(step)), `${by}: no table scan: ${plan.join(' | ')}`)
      }
    } finally {
      db.close()
    }
    for (const [by, id, reads] of [['account', 'A031337', 60], ['customer', 'C015000', 120], ['service-point', 'SP077777', 30]] as const) {
      const started = process.hrtime.bigint()
      const rows = [...searchDeliveredRows(dir, { by, id, mappingKey: 'dem_res', includeUnaccepted: false })]
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      t.diagnostic(`search --${by} ${id} on ${ROWS} rows: ${rows.length} rows in ${ms.toFixed(1)} ms`)
      const seqs = rows.map((row) => Number(row.runId.slice(-4)))
      assert.equal(rows.length, reads - reads / 10, `${by}: every read of an accepted run (one run in ten is rejected)`)
      assert.ok(seqs.every((seq) => seq % 10 !== 0))
      assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest run first')
    }
  })
})
