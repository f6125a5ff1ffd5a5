import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { acceptOnDelivery } from '../../src/state/accept-on-delivery.js'
import { StateStore, type NewRun } from '../../src/state/state-store.js'

const dirs: string[] = []
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function open(): StateStore {
  const dir = mkdtempSync(join(tmpdir(), 'opx-state-'))
  dirs.push(dir)
  return StateStore.open(dir)
}

const KEY = 'dem_res'

function record(state: StateStore, phase: 'full' | 'incremental' | 'sample', upper: string, files = 1): string {
  const seq = state.nextRunSeq()
  const runId = state.nextRunId(phase)
  const run: NewRun = {
    runId,
    seq,
    phase,
    mappingFile: 'm.yaml',
    mappingKey: KEY,
    createdAt: new Date().toISOString(),
    windowFrom: phase === 'incremental' ? '2026-11-01 00:00:00.000000' : '2025-01-01',
    windowTo: phase === 'incremental' ? upper : '2026-10-31',
    window:
      phase === 'incremental'
        ? { kind: 'incremental', historyFrom: '2025-01-01', lower: '2026-10-31 00:00:00.000000', upper, asOf: undefined, baselineBefore: seq }
        : { kind: 'historical', from: '2025-01-01', end: '2026-10-31' },
    status: 'generated',
    summary: {},
    files: Array.from({ length: files }, (_, i) => ({ fileName: `opwr_dem_res_v1-19-0_full_2026110${seq}00000${i}.gz`, fileType: 'full', rows: 1, bytes: 10, sha256: 'x', valid: true })),
  }
  state.recordRun(run, undefined)
  state.recordDeliveredReads(seq, [
    { readKey: 'R1', readHash: `h${seq}`, fileName: run.files[0]?.fileName ?? '', line: 2, servicePointId: 'SP1', accountId: 'A1', customerId: 'C1', dateTo: `202611${String(seq).padStart(2, '0')}`, duration: 30 },
  ])
  return runId
}

const sendAll = (state: StateStore, runId: string) => {
  for (const file of state.runFiles(runId)) state.markFileSent(file.fileName, { remotePath: `/shared_files/${file.fileName}`, sentAt: '2026-11-02T10:00:00.000Z', manual: false })
}

const codeOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    if (isToolkitError(error)) return error.code
    throw error
  }
  return undefined
}

describe('run lifecycle in the state', () => {
  it('moves generated → sent when the last file is delivered, and lists undelivered files as pending', () => {
    const state = open()
    const runId = record(state, 'full', '', 2)
    const [first, second] = state.runFiles(runId)
    assert.deepEqual(state.pendingFiles().map((f) => f.fileName), [first!.fileName, second!.fileName])
    assert.equal(state.markFileSent(first!.fileName, { remotePath: '/r/a', sentAt: 't1', manual: true }).status, 'generated')
    assert.equal(state.markFileSent(second!.fileName, { remotePath: '/r/b', sentAt: 't2', manual: false }).status, 'sent')
    assert.deepEqual(state.pendingFiles(), [])
    assert.equal(state.fileByName(first!.fileName)?.sentManually, true)
    assert.equal(state.fileByName(second!.fileName)?.remotePath, '/r/b')
    state.close()
  })

  it('refuses to accept a run with undelivered files, and to accept or send a rejected run', () => {
    const state = open()
    const runId = record(state, 'full', '')
    assert.equal(codeOf(() => state.acceptRun(runId, 'now')), 'STATE_RUN_NOT_SENT')
    state.rejectRun(runId, 'now')
    assert.equal(codeOf(() => state.acceptRun(runId, 'now')), 'STATE_RUN_CLOSED')
    assert.equal(codeOf(() => sendAll(state, runId)), 'STATE_RUN_CLOSED')
    assert.equal(codeOf(() => state.acceptRun('full-0099', 'now')), 'STATE_RUN_NOT_FOUND')
    state.close()
  })

  it('takes the baseline from accepted runs only, and rewinds when the last accepted run is rejected', () => {
    const state = open()
    assert.equal(state.baseline(KEY), undefined)
    const full = record(state, 'full', '')
    sendAll(state, full)
    state.acceptRun(full, 'now')
    const sample = record(state, 'sample', '')
    sendAll(state, sample)
    state.acceptRun(sample, 'now')
    assert.equal(state.baseline(KEY)?.last.runId, full, 'a sample never moves the incremental state')
    const first = record(state, 'incremental', '2026-11-05 00:00:00.000000')
    assert.equal(state.baseline(KEY)?.last.runId, full, 'a generated run does not count')
    sendAll(state, first)
    state.acceptRun(first, 'now')
    assert.equal(state.baseline(KEY)?.last.runId, first)
    assert.equal(state.acceptedReadHash(KEY, 'R1', Number.MAX_SAFE_INTEGER), `h${state.run(first)!.seq}`)
    const second = record(state, 'incremental', '2026-11-12 00:00:00.000000')
    sendAll(state, second)
    state.acceptRun(second, 'now')
    assert.equal(codeOf(() => state.rejectRun(first, 'now')), 'STATE_RUN_CLOSED', 'a later accepted run builds on it')
    state.rejectRun(second, 'now')
    assert.equal(state.baseline(KEY)?.last.runId, first, 'reject rewinds to the run before')
    assert.equal(state.acceptedReadHash(KEY, 'R1', Number.MAX_SAFE_INTEGER), `h${state.run(first)!.seq}`)
    assert.deepEqual(
      state.acceptedPeriods(KEY, 'SP1', Number.MAX_SAFE_INTEGER).map((p) => p.dateTo),
      [state.run(full)!.seq, state.run(first)!.seq].map((seq) => `202611${String(seq).padStart(2, '0')}`),
    )
    state.close()
  })

  it('accepts on delivery in production mode once every file is sent', () => {
    const state = open()
    const runId = record(state, 'incremental', '2026-11-05 00:00:00.000000', 2)
    const [first] = state.runFiles(runId)
    state.markFileSent(first!.fileName, { remotePath: '/Uploads/x', sentAt: 't', manual: false })
    assert.equal(acceptOnDelivery(state, runId, new Date()), false)
    sendAll(state, runId)
    assert.equal(acceptOnDelivery(state, runId, new Date()), true)
    assert.equal(state.run(runId)?.verdictBy, 'delivery')
    state.close()
  })
})

describe('naming the reads of a run', () => {
  it('names each part once, leaves another chunk unnamed, and a resumed run drops only the reads of parts never named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opx-state-naming-'))
    dirs.push(dir)
    const state = StateStore.open(dir)
    const read = (i: number, fileName: string) => ({ readKey: `r${i}`, readHash: 'h', fileName, line: i, servicePointId: `sp${i}`, accountId: 'a', customerId: 'c', dateTo: '20260101', duration: 30 })
    // Chunk 1 of run 7 wrote two parts and committed; chunk 2's reads wait under `#2.0` (it never finished).
    // `old.gz`: a read named in its row, as states before version 4 did.
    state.planChunkedRun({ seq: 7, runId: 'full-0007', mappingKey: 'k', mappingFile: 'm.yaml', windowFrom: '2024-01-01', windowEnd: '2026-10-31', fingerprint: 'f', createdAt: 't', bounds: [{ lower: undefined, upper: undefined }] })
    state.recordDeliveredReads(7, Array.from({ length: 45_000 }, (_, i) => read(i, '#1.0')))
    state.recordDeliveredReads(7, Array.from({ length: 5 }, (_, i) => read(50_000 + i, '#1.1')))
    state.recordDeliveredReads(7, Array.from({ length: 3 }, (_, i) => read(60_000 + i, '#2.0')))
    state.recordDeliveredReads(7, [read(70_000, 'old.gz')])
    state.nameDeliveredFiles(7, ['first.gz', 'second.gz'], '#1.')
    const files = (view: string) => {
      const db = new Database(join(dir, 'state.sqlite'), { readonly: true })
      try {
        return db.prepare(`SELECT file_name, COUNT(*) AS n FROM ${view} GROUP BY file_name ORDER BY file_name`).all() as { file_name: string; n: number }[]
      } finally {
        db.close()
      }
    }
    assert.deepEqual(files('named_run_reads'), [
      { file_name: '#2.0', n: 3 },
      { file_name: 'first.gz', n: 45_000 },
      { file_name: 'old.gz', n: 1 },
      { file_name: 'second.gz', n: 5 },
    ])
    assert.deepEqual(files('run_reads'), [
      { file_name: '#1.0', n: 45_000 },
      { file_name: '#1.1', n: 5 },
      { file_name: '#2.0', n: 3 },
      { file_name: 'old.gz', n: 1 },
    ], 'naming writes the part names, not every read')
    state.discardUnrecordedRows()
    state.close()
    assert.deepEqual(files('named_run_reads'), [
      { file_name: 'first.gz', n: 45_000 },
      { file_name: 'old.gz', n: 1 },
      { file_name: 'second.gz', n: 5 },
    ])
  })
})

describe('workspace state on a full disk', () => {
  it('fails with OUTPUT_NOT_WRITABLE naming the state file, and the state still opens afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opx-state-full-'))
    dirs.push(dir)
    const module = new URL('../../src/state/state-store.js', import.meta.url).href
    // A file-size limit of 512 KiB stands in for a full disk: SQLite's writes past it fail with an I/O error.
    const script = `
      const { StateStore } = await import(${JSON.stringify(module)})
      const state = StateStore.open(process.argv[1])
      const read = (i) => ({ readKey: 'r' + i, readHash: 'h'.repeat(64), fileName: 'f', line: i, servicePointId: 'sp' + i,
        accountId: 'a' + i, customerId: 'c' + i, dateTo: '2026-01-01', duration: 30 })
      state.recordDeliveredReads(1, [read(0)])
      try {
        for (let batch = 1; batch < 200; batch++) state.recordDeliveredReads(1, Array.from({ length: 1000 }, (_, i) => read(batch * 1000 + i)))
        console.log('no error')
      } catch (error) {
        console.log(JSON.stringify({ code: error.code, message: error.message }))
      }`
    const child = spawnSync('bash', ['-c', 'ulimit -f 1024; exec "$0" --input-type=module -e "$1" "$2"', process.execPath, script, dir], { encoding: 'utf8' })
    const outcome = JSON.parse(child.stdout.trim()) as { code: string; message: string }
    assert.equal(outcome.code, 'OUTPUT_NOT_WRITABLE', child.stderr)
    assert.match(outcome.message, /cannot write the workspace state .*state\.sqlite/)
    const state = StateStore.open(dir)
    try {
      assert.deepEqual(state.runs(), [])
    } finally {
      state.close()
    }
  })
})
