import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { chunkPlaceholder, nameRecordedFiles } from '../../src/extract/delivery-ledger.js'
import { StateStore, type DeliveredRead } from '../../src/state/state-store.js'

// The state of a chunked full historical in progress: what survives the clean-up every extract does at
// its start, and what a failed chunk leaves.

const dirs: string[] = []
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function openState(): { state: StateStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'opx-chunk-state-'))
  dirs.push(dir)
  return { state: StateStore.open(dir), dir }
}

function read(key: string, fileName: string): DeliveredRead {
  return { readKey: key, readHash: 'h', fileName, line: 2, servicePointId: `sp-${key}`, accountId: 'a', customerId: 'c', dateTo: '20260101', duration: 30 }
}

function rowsOf(dir: string): { reads: string[]; entities: string[] } {
  const db = new Database(join(dir, 'state.sqlite'), { readonly: true })
  try {
    return {
      reads: (db.prepare('SELECT run_seq, read_key, file_name FROM named_run_reads ORDER BY read_key').all() as { run_seq: number; read_key: string; file_name: string }[]).map((r) => `${r.run_seq}:${r.read_key}:${r.file_name}`),
      entities: (db.prepare('SELECT run_seq, entity_key FROM run_entities ORDER BY entity_key').all() as { run_seq: number; entity_key: string }[]).map((r) => `${r.run_seq}:${r.entity_key}`),
    }
  } finally {
    db.close()
  }
}

/** Plans run full-0001 of mapping dem_res in chunks split at `splits`; returns its sequence. */
function planRun(state: StateStore, splits: readonly string[]): number {
  const seq = state.nextRunSeq()
  const starts = [undefined, ...splits]
  state.planChunkedRun({
    seq,
    runId: 'full-0001',
    mappingKey: 'dem_res',
    mappingFile: 'm.yaml',
    windowFrom: '2025-01-01',
    windowEnd: '2026-10-15',
    fingerprint: 'f',
    createdAt: '2026-11-30T00:00:00.000Z',
    bounds: starts.map((lower, i) => ({ lower, upper: splits[i] })),
  })
  return seq
}

describe('state of a chunked run in progress', () => {
  it('reserves its sequence, keeps its committed chunks through the start-of-extract clean-up and drops the chunk that never committed', () => {
    const { state, dir } = openState()
    try {
      const seq = planRun(state, ['sp-m'])
      assert.equal(state.nextRunSeq(), seq + 1, 'another run never takes its sequence')

      // Chunk 1 commits: its reads named in the commit, its entities moved from the provisional sequence.
      state.recordDeliveredReads(seq, [read('r1', `${chunkPlaceholder(1)}0`)])
      state.recordDeliveredEntities(-1, [{ entityKey: 'sp-r1|a', attributeHash: 'x' }])
      const file = { fileName: 'opwr_dem_res_v1-19-0_full_20261130000001.gz', fileType: 'full', rows: 1, bytes: 1, sha256: 's', valid: true }
      state.commitChunk({ seq, chunk: 1, entitySeq: -1, files: [file], counts: {}, rejectsFile: undefined, finishedAt: 'now' }, () => state.nameDeliveredFiles(seq, [file.fileName], chunkPlaceholder(1)), '20261130000001')
      // Chunk 2 is killed while it writes.
      state.recordDeliveredReads(seq, [read('r9', `${chunkPlaceholder(2)}0`)])
      state.recordDeliveredEntities(-2, [{ entityKey: 'sp-r9|a', attributeHash: 'y' }])

      state.discardUnrecordedRows()
      assert.deepEqual(rowsOf(dir), { reads: [`${seq}:r1:${file.fileName}`], entities: [`${seq}:sp-r1|a`] })
      const run = state.unfinishedChunkedRun('dem_res')!
      assert.deepEqual(run.chunks.map((chunk) => [chunk.chunk, chunk.lower, chunk.upper, chunk.done]), [[1, undefined, 'sp-m', true], [2, 'sp-m', undefined, false]])
      assert.equal(state.lastFileTimestamp(), '20261130000001', 'a committed chunk moves the last file timestamp')
      assert.deepEqual(state.runs(), [], 'not a run until its last chunk is done')
      assert.deepEqual(state.pendingFiles(), [])

      state.discardChunkedRun(seq)
      assert.deepEqual(rowsOf(dir), { reads: [], entities: [] })
      assert.equal(state.unfinishedChunkedRun('dem_res'), undefined)
    } finally {
      state.close()
    }
  })

  it('chunks in flight at once keep their reads apart: one commits, one is discarded, the third keeps its own', () => {
    const { state, dir } = openState()
    try {
      const seq = planRun(state, ['sp-h', 'sp-p'])
      // Each chunk's reads wait under its own placeholder, parts numbered within the chunk.
      state.recordDeliveredReads(seq, [read('a1', `${chunkPlaceholder(1)}0`), read('a2', `${chunkPlaceholder(1)}1`)])
      state.recordDeliveredReads(seq, [read('k1', `${chunkPlaceholder(2)}0`)])
      state.recordDeliveredReads(seq, [read('r1', `${chunkPlaceholder(3)}0`)])
      const files = ['opwr_dem_res_v1-19-0_full_20261130000002.gz', 'opwr_dem_res_v1-19-0_full_20261130000003.gz'].map((fileName) => ({ fileName, fileType: 'full', rows: 1, bytes: 1, sha256: 's', valid: true }))
      state.commitChunk(
        { seq, chunk: 1, entitySeq: -1, files, counts: {}, rejectsFile: undefined, finishedAt: 'now' },
        () => nameRecordedFiles(state, seq, files, chunkPlaceholder(1)),
        '20261130000003',
      )
      state.discardUncommittedChunk(seq, -2, chunkPlaceholder(2))
      assert.deepEqual(rowsOf(dir).reads, [`${seq}:a1:${files[0]!.fileName}`, `${seq}:a2:${files[1]!.fileName}`, `${seq}:r1:#3.0`])
      state.discardUnrecordedRows()
      assert.deepEqual(rowsOf(dir).reads, [`${seq}:a1:${files[0]!.fileName}`, `${seq}:a2:${files[1]!.fileName}`], 'an extract\'s start drops every chunk placeholder')
    } finally {
      state.close()
    }
  })
})
