import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { loadMapping } from '../../src/config/load-mapping.js'
import type { Mapping } from '../../src/config/mapping.js'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'
import { historicalWindow } from '../../src/extract/extract-window.js'
import { runHistoricalExtract } from '../../src/extract/run-historical-extract.js'
import { runIncrementalExtract, type IncrementalRequest } from '../../src/extract/run-incremental-extract.js'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { addDays } from '../../src/extract/calendar-date.js'
import { createSource } from '../../src/source/create-source.js'
import { checkAgainstAccepted } from '../../src/validate/check-against-accepted.js'
import { StateStore } from '../../src/state/state-store.js'

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const DEMO_MAPPING = readFileSync(join(PROJECT, 'mappings/demo-sqlite.yaml'), 'utf8')

let dir: string
let database: string
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'opx-inc-'))
  database = join(dir, 'billing.sqlite')
  createDemoDatabase(database, { customers: 30, seed: 5, historyStart: '2025-01-01', historyEnd: '2026-10-31' })
})
after(() => rmSync(dir, { recursive: true, force: true }))

let workspaces = 0
/** A demo mapping with its own output and state folders; `edit` changes its text. */
function mappingFile(edit: (text: string) => string = (text) => text): string {
  const folder = join(dir, `w${++workspaces}`)
  const text = edit(DEMO_MAPPING).replace('../demo/billing.sqlite', database).replace('../demo/out', join(folder, 'out')).replace('../demo/state', join(folder, 'state'))
  const path = join(dir, `mapping${workspaces}.yaml`)
  writeFileSync(path, text)
  return path
}

const withState = <T>(mapping: Mapping, use: (state: StateStore) => T): T => {
  const state = StateStore.open(mapping.output.state)
  try {
    return use(state)
  } finally {
    state.close()
  }
}
const deliverAndAccept = (mapping: Mapping, runId: string) =>
  withState(mapping, (state) => {
    for (const file of state.runFiles(runId)) state.markFileSent(file.fileName, { remotePath: `/shared_files/${file.fileName}`, sentAt: new Date().toISOString(), manual: false })
    return state.acceptRun(runId, new Date().toISOString())
  })

async function acceptedHistorical(mapping: Mapping, endDate = '2026-10-31') {
  const source = createSource(mapping, { env: {} })
  try {
    const window = historicalWindow({ endDate, from: '2025-01-01', launchDate: undefined })
    const result = await runHistoricalExtract({ mapping, source, phase: 'full', window, outDir: mapping.output.folder, tmpDir: dir, log: () => {} })
    deliverAndAccept(mapping, result.runId)
    return result
  } finally {
    await source.close()
  }
}

async function incremental(mapping: Mapping, request: IncrementalRequest) {
  const source = createSource(mapping, { env: {} })
  try {
    return await runIncrementalExtract({ mapping, source, request, outDir: mapping.output.folder, tmpDir: dir, log: () => {} })
  } finally {
    await source.close()
  }
}

const rows = (path: string) => gunzipSync(readFileSync(path)).toString('utf8').split('\n').slice(1).filter(Boolean)
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir })

describe('incremental extract', () => {
  it('needs an accepted full historical first', async () => {
    const { mapping } = loadMapping(mappingFile())
    await assert.rejects(incremental(mapping, { kind: 'next', endDate: '2026-11-05' }), (error) => isToolkitError(error) && error.code === 'STATE_NO_BASELINE')
  })

  it('writes header-only files for an empty window (header_only) or none (skip); either advances the state once accepted', async () => {
    for (const policy of ['header_only', 'skip'] as const) {
      const { mapping } = loadMapping(mappingFile((text) => `${text}\nincremental:\n  empty_incremental: ${policy}\n`))
      await acceptedHistorical(mapping)
      // Nothing happened after the history's end: the first incremental re-reads Oct 31 (lookback) and drops it all.
      const empty = await incremental(mapping, { kind: 'next', endDate: '2026-11-05' })
      assert.equal(empty.counts.written, 0)
      assert.ok(empty.counts.suppressed > 0)
      assert.ok(empty.valid)
      assert.deepEqual(empty.files.map((file) => file.rows), policy === 'header_only' ? [0] : [])
      deliverAndAccept(mapping, empty.runId)
      const next = await incremental(mapping, { kind: 'next', endDate: '2026-11-08' })
      assert.equal(next.window.lower, '2026-11-05 00:00:00.000000', 'the next window continues after the empty one, less the lookback')
    }
  })

  it('--keys re-sends the listed reads and every read of the listed accounts, and moves no watermark', async () => {
    const { mapping } = loadMapping(mappingFile())
    await acceptedHistorical(mapping)
    const db = new Database(database, { readonly: true })
    const [read] = db.prepare(`SELECT bseg_id FROM ci_bseg WHERE bseg_stat_flg = '50' AND end_dt BETWEEN '2026-03-01' AND '2026-03-31' ORDER BY bseg_id LIMIT 1`).all() as { bseg_id: string }[]
    const [account] = db.prepare(`SELECT sa_id, COUNT(*) AS n FROM ci_bseg WHERE bseg_stat_flg = '50' AND end_dt >= '2025-01-01' GROUP BY sa_id ORDER BY sa_id LIMIT 1`).all() as { sa_id: string; n: number }[]
    const [ofAccount] = db.prepare(`SELECT bseg_id FROM ci_bseg WHERE sa_id = ? AND bseg_stat_flg = '50' AND end_dt >= '2025-01-01' ORDER BY bseg_id LIMIT 1`).all(account!.sa_id) as { bseg_id: string }[]
    // One read listed twice over: by its key and through its account.
    const backfill = await incremental(mapping, { kind: 'keys', reads: [read!.bseg_id, ofAccount!.bseg_id], accounts: [account!.sa_id] })
    db.close()
    const written = backfill.files.flatMap((file) => rows(file.path))
    assert.ok(backfill.valid)
    assert.equal(written.filter((row) => row.includes(`\t${account!.sa_id}\t`)).length, account!.n)
    assert.ok(written.length === account!.n || written.length === account!.n + 1)
    const before = withState(mapping, (state) => state.baseline('dem_res')!.last.runId)
    deliverAndAccept(mapping, backfill.runId)
    assert.equal(withState(mapping, (state) => state.baseline('dem_res')!.last.runId), before)
  })

  it('split layout: an address change goes out as a customer row, with no usage row', async () => {
    const { mapping } = loadMapping(mappingFile((text) => text.replace('layout: single', 'layout: split')))
    await acceptedHistorical(mapping)
    const db = new Database(database)
    const [premise] = db.prepare(`SELECT prem_id FROM ci_prem ORDER BY prem_id LIMIT 1`).all() as { prem_id: string }[]
    const previous = (db.prepare(`SELECT address1 FROM ci_prem WHERE prem_id = ?`).get(premise!.prem_id) as { address1: string }).address1
    db.prepare(`UPDATE ci_prem SET address1 = 'Split Lane' WHERE prem_id = ?`).run(premise!.prem_id)
    db.close()
    try {
      const result = await incremental(mapping, { kind: 'next', endDate: '2026-11-05' })
      const customer = result.files.find((file) => file.fileType === 'customer')!
      const usage = result.files.find((file) => file.fileType === 'usage')!
      assert.ok(result.valid)
      assert.ok(rows(customer.path).length > 0)
      assert.ok(rows(customer.path).every((row) => row.includes('Split Lane')))
      assert.equal(usage.rows, 0)
    } finally {
      const restore = new Database(database)
      restore.prepare(`UPDATE ci_prem SET address1 = ? WHERE prem_id = ?`).run(previous, premise!.prem_id)
      restore.close()
    }
  })

  it('status, accept and reject on the command line', async () => {
    const file = mappingFile()
    const { mapping } = loadMapping(file)
    const none = cli('status', '--mapping', file, '--max-age', '8')
    assert.equal(none.status, 65, none.stderr)
    assert.match(none.stderr, /DELIVERY_OVERDUE/)
    await acceptedHistorical(mapping)
    const extracted = cli('extract', '--mapping', file, '--phase', 'incremental', '--end-date', '2026-11-05')
    assert.equal(extracted.status, 0, extracted.stderr)
    const runId = /run (incremental-\d+)/.exec(extracted.stdout)![1]!
    const unsent = cli('accept', runId, '--mapping', file)
    assert.equal(unsent.status, 64)
    assert.match(unsent.stderr, /STATE_RUN_NOT_SENT/)
    const status = cli('status', '--mapping', file)
    assert.equal(status.status, 0, status.stderr)
    assert.match(status.stdout, new RegExp(`${runId}\\s+generated`))
    assert.match(status.stdout, /pending files[^\n]*\n\s+opwr_dem_res/)
    const rejected = cli('reject', runId, '--mapping', file)
    assert.equal(rejected.status, 0, rejected.stderr)
    assert.match(rejected.stdout, /rejected/)
    assert.equal(cli('status', '--mapping', file, '--max-age', '8').status, 0, 'the historical was accepted just now')
  })

  it('validate --against-accepted reports a gap and an overlap against the accepted history, not the history itself', async () => {
    const file = mappingFile()
    const { mapping } = loadMapping(file)
    const historical = await acceptedHistorical(mapping)
    const path = historical.files[0]!.path
    const accepted = (sp: string) => withState(mapping, (state) => state.acceptedPeriods('dem_res', sp, Number.MAX_SAFE_INTEGER))
    assert.deepEqual(await checkAgainstAccepted([path], accepted), [], 'the accepted file itself only overwrites exactly')

    const [header, ...lines] = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter(Boolean)
    const names = header!.split('\t')
    const at = (name: string) => names.indexOf(name)
    const lastOf = new Map<string, string[]>()
    for (const line of lines) lastOf.set(line.split('\t')[at('service_point_id')]!, line.split('\t'))
    const [gapRow, overlapRow] = [...lastOf.values()]
    const compact = (yyyymmdd: string, days: number) => addDays(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`, days).replaceAll('-', '')
    const gap = [...gapRow!]
    gap[at('date_to')] = compact(gapRow![at('date_to')]!, 45)
    gap[at('duration')] = '30'
    const overlap = [...overlapRow!]
    overlap[at('date_to')] = compact(overlapRow![at('date_to')]!, 20)
    overlap[at('duration')] = '30'
    const crafted = join(dir, 'opwr_dem_res_v1-19-0_full_20261201000000.gz')
    writeFileSync(crafted, gzipSync(`${[header, gap.join('\t'), overlap.join('\t')].join('\n')}\n`))
    const findings = await checkAgainstAccepted([crafted], accepted)
    assert.deepEqual(findings.map((f) => `${f.rule}:${f.count}`).sort(), ['V71:1', 'V72:1'])

    const spawned = cli('validate', crafted, '--mapping', file, '--against-accepted')
    assert.equal(spawned.status, 65, spawned.stderr)
    assert.match(spawned.stdout, /V71/)
  })
})
