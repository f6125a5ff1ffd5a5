import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import type { Mapping } from '../../src/config/mapping.js'
import type { HistoricalExtractResult } from '../../src/extract/run-historical-extract.js'
import { mappingKeyOf } from '../../src/state/mapping-key.js'
import { StateStore } from '../../src/state/state-store.js'
import { parseFileName } from '../../src/writer/file-name.js'
import { retarget } from '../source/extract-from.js'
import { type ScratchDatabase } from '../source/scratch-database.js'
import { assertSameAsUnchunked, demoOnPostgres, extract } from './chunked-historical-fixture.js'
import { DemoExtractFixture } from './demo-extract-fixture.js'

// Chunks of a full historical extracted in parallel (worker threads, each with its own connections):
// the same files, run record and state rows as one chunk after another, and a failure in one chunk
// stops the others, leaves nothing of them behind and is resumed by a rerun.

/** What a run's files hold, without their names (stamps differ between runs). */
function fileFacts(result: HistoricalExtractResult) {
  return result.files.map((file) => ({ fileType: file.fileType, rows: file.rows, bytes: file.bytes, sha256: file.sha256, ok: file.validation.ok }))
}

function queryState<T>(stateDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(stateDir, 'state.sqlite'), { readonly: true })
  try {
    return db.prepare(sql).all(...params) as T[]
  } finally {
    db.close()
  }
}

/** A run's record (its files without names) and state rows (reads with the position of their file in the run instead of its name). */
function recordedRun(stateDir: string, result: HistoricalExtractResult) {
  const state = StateStore.open(stateDir)
  let run
  try {
    run = state.run(result.runId)!
  } finally {
    state.close()
  }
  const position = new Map(result.files.map((file, index) => [file.fileName, index]))
  const reads = queryState<Record<string, unknown>>(stateDir, 'SELECT * FROM named_run_reads WHERE run_seq = ? ORDER BY read_key', run.seq).map(({ run_seq: _seq, file_name, ...read }) => {
    assert.ok(position.has(file_name as string), `read ${String(read.read_key)} is recorded under ${String(file_name)}, a file of the run`)
    return { ...read, file: position.get(file_name as string) }
  })
  const entities = queryState(stateDir, 'SELECT entity_key, attribute_hash FROM run_entities WHERE run_seq = ? ORDER BY entity_key', run.seq)
  return {
    phase: run.phase,
    status: run.status,
    window: run.window,
    summary: run.summary,
    // The record lists files by name, which is load order: in parallel, chunks take stamps as they write.
    files: run.files
      .map((file) => ({ fileType: file.fileType, rows: file.rows, bytes: file.bytes, sha256: file.sha256, valid: file.valid }))
      .sort((a, b) => a.sha256.localeCompare(b.sha256)),
    reads,
    entities,
  }
}

/** Reads still under a placeholder (`#…`) and entities still under a chunk's provisional sequence. */
function leftovers(stateDir: string): { reads: number; entities: number } {
  const [reads] = queryState<{ n: number }>(stateDir, `SELECT COUNT(*) AS n FROM named_run_reads WHERE file_name >= '#' AND file_name < '$'`)
  const [entities] = queryState<{ n: number }>(stateDir, 'SELECT COUNT(*) AS n FROM run_entities WHERE run_seq < 0')
  return { reads: reads!.n, entities: entities!.n }
}

describe('chunked full historical in parallel on SQLite', () => {
  let demo: DemoExtractFixture
  before(() => {
    demo = new DemoExtractFixture(400)
  })
  after(() => demo.dispose())

  const mappingWith = (settings: string) => loadMapping(demo.mapping((text) => text.replace('  compression: gz', `  compression: gz\n${settings}`))).mapping

  it('two chunks at once write the files, run record and state rows of one chunk after another', async () => {
    const sequential = await extract(mappingWith('  chunk_service_points: 50\n  max_rows_per_file: 600'), { tmpDir: demo.dir })
    const parallel = await extract(mappingWith('  chunk_service_points: 50\n  max_rows_per_file: 600\n  parallel_chunks: 2'), { tmpDir: demo.dir })
    assert.match(parallel.log.join('\n'), /full-\d+: up to 2 chunks at once/)
    assert.ok(!sequential.log.some((line) => / at once/.test(line)), 'parallel_chunks 1 runs as before')
    const chunks = Number(/: (\d+) chunks of 50 service points/.exec(parallel.log.join('\n'))?.[1])
    assert.ok(chunks >= 6, parallel.log.join('\n'))
    assert.ok(parallel.result.files.length > chunks, 'max_rows_per_file splits chunks into parts (#<chunk>.<part> placeholders)')

    // By chunk, then part: the same content in the same order; only the names (stamps) differ.
    assert.deepEqual(fileFacts(parallel.result), fileFacts(sequential.result))
    assert.deepEqual(parallel.result.counts, sequential.result.counts)
    assert.equal(parallel.result.valid, true)
    const whole = await extract(mappingWith('  chunk_service_points: 0'), { tmpDir: demo.dir })
    assertSameAsUnchunked(parallel.result, whole.result, chunks, { stampsInFileOrder: false })

    const stateDir = loadMapping(demo.mapping()).mapping.output.state
    const ofParallel = recordedRun(stateDir, parallel.result)
    assert.ok(ofParallel.reads.length === parallel.result.counts.written && ofParallel.entities.length > 0)
    assert.deepEqual(ofParallel, recordedRun(stateDir, sequential.result), 'the same run record, reads (file by position, line) and entities')
    assert.deepEqual(leftovers(stateDir), { reads: 0, entities: 0 }, 'no placeholder read or provisional entity stays')
    const stamps = parallel.result.files.map((file) => parseFileName(file.fileName)!.timestamp)
    const before = Math.max(...sequential.result.files.map((file) => Number(parseFileName(file.fileName)!.timestamp)))
    assert.ok(stamps.every((stamp) => Number(stamp) > before), 'stamps stay after every earlier run')
  })

  it('one chunk runs as one, saying so once; parallel_chunks above 8 is refused', async () => {
    const one = await extract(mappingWith('  parallel_chunks: 2'), { tmpDir: demo.dir })
    assert.equal(one.log.filter((line) => /parallel_chunks 2: the run is one chunk/.test(line)).length, 1, one.log.join('\n'))
    assert.ok(!one.log.some((line) => / at once/.test(line)))
    assert.ok(one.result.valid)
    assert.throws(
      () => mappingWith('  parallel_chunks: 9'),
      (error: { code?: string; details?: readonly string[] }) =>
        error.code === 'MAPPING_INVALID' && (error.details ?? []).some((line) => /output\.parallel_chunks: at most 8 chunks at once/.test(line)),
    )
  })
})

describe('chunked full historical in parallel on PostgreSQL', () => {
  let dir: string
  let db: ScratchDatabase
  let base: Mapping
  let schema: string
  let servicePoints: string[]
  before(async () => {
    ;({ dir, db, base } = await demoOnPostgres('opx-chunks-par-'))
    schema = String(db.connection.schema)
    servicePoints = ((await db.knex.raw('SELECT sp_id FROM ci_sp ORDER BY sp_id COLLATE "C"')) as { rows: { sp_id: string }[] }).rows.map((row) => row.sp_id)
    await db.knex.raw('CREATE TABLE oe_guard (n integer NOT NULL)')
  })
  after(async () => {
    await db.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const onPostgres = (name: string, perChunk: number, parallel: number, edit: { readCycle?: string } = {}): Mapping => {
    const mapping = retarget(base, db, join(dir, name))
    const columns = new Map(mapping.columns)
    if (edit.readCycle) columns.set('read_cycle', { ...columns.get('read_cycle')!, source: { kind: 'sql', sql: edit.readCycle } })
    return {
      ...mapping,
      columns,
      output: { ...mapping.output, chunkServicePoints: perChunk, parallelChunks: parallel },
    }
  }

  it('a chunk that fails stops the others, leaves no placeholder behind, keeps its code; the rerun resumes and equals an uninterrupted run', async () => {
    await db.knex.raw('DELETE FROM oe_guard')
    await db.knex.raw('INSERT INTO oe_guard VALUES (0)')
    // A column that divides by zero for the service points from 70 % on while the guard holds 0 (the
    // plan and the counts do not read it): later chunks fail when they read, earlier ones finish.
    const from = servicePoints[Math.floor(servicePoints.length * 0.7)]!
    const readCycle = `CASE WHEN sp.sp_id >= '${from}' THEN CASE WHEN 1 / (SELECT n FROM ${schema}.oe_guard) = 0 THEN 'never' ELSE sp.mr_cyc_cd END ELSE sp.mr_cyc_cd END`
    const guarded = onPostgres('failing', 20, 2, { readCycle })
    const failure = await extract(guarded, { endDate: '2025-06-15', tmpDir: dir }).then(
      () => undefined,
      (error: unknown) => error,
    )
    assert.equal((failure as { code?: string } | undefined)?.code, 'SOURCE_QUERY_FAILED', String(failure))
    assert.match(String((failure as Error).message), /division by zero/)
    const state = StateStore.open(guarded.output.state)
    let done: { chunk: number; files: readonly unknown[] }[]
    try {
      done = state.unfinishedChunkedRun(mappingKeyOf(guarded))!.chunks.filter((chunk) => chunk.done)
    } finally {
      state.close()
    }
    assert.ok(done.length >= 1, 'chunks before the failing one finished and stay committed')
    assert.deepEqual(leftovers(guarded.output.state), { reads: 0, entities: 0 }, 'the failed and the stopped chunks left no placeholder')
    const out = readdirSync(guarded.output.folder)
    assert.ok(!out.some((name) => name.startsWith('.part-')), out.join(', '))
    assert.equal(out.filter((name) => name.startsWith('opwr_')).length, done.reduce((sum, chunk) => sum + chunk.files.length, 0), `only finished chunks' files stay: ${out.join(', ')}`)

    await db.knex.raw('UPDATE oe_guard SET n = 1')
    const resumed = await extract(guarded, { endDate: '2025-06-15', tmpDir: dir })
    assert.match(resumed.log.join('\n'), /resuming full-\d+: (chunks? 1(–\d+)? of \d+ done|\d+ of \d+ chunks done \([\d, ]+\)), starting at chunk \d+/)
    const uninterrupted = await extract(onPostgres('uninterrupted', 20, 1, { readCycle }), { endDate: '2025-06-15', tmpDir: dir })
    assert.deepEqual(fileFacts(resumed.result), fileFacts(uninterrupted.result))
    assert.deepEqual(resumed.result.counts, uninterrupted.result.counts)
    const whole = await extract(onPostgres('whole', 0, 1), { endDate: '2025-06-15', tmpDir: dir })
    assertSameAsUnchunked(resumed.result, whole.result, 4, { stampsInFileOrder: false })
    assert.deepEqual(leftovers(guarded.output.state), { reads: 0, entities: 0 })
  })

  it('an abort stops every worker; chunks done out of order are kept and the rerun names them', async () => {
    // While the gate is shut, reading the first service points takes 50 ms a row, so chunk 2 (of two at once)
    // finishes while chunk 1 still reads, however loaded the machine. Only the read query maps read_cycle:
    // the plan and the counts run at full speed, and the rerun does too once the gate is open.
    await db.knex.raw('CREATE TABLE IF NOT EXISTS oe_gate (n integer)')
    await db.knex.raw('DELETE FROM oe_gate')
    await db.knex.raw('INSERT INTO oe_gate VALUES (0)')
    const slowUpTo = servicePoints[12]!
    const readCycle = `CASE WHEN sp.sp_id > '${slowUpTo}' THEN sp.mr_cyc_cd WHEN (SELECT n FROM ${schema}.oe_gate) = 1 THEN sp.mr_cyc_cd WHEN pg_sleep(0.05)::text = '' THEN sp.mr_cyc_cd END`
    const slowed = onPostgres('aborted', 25, 2, { readCycle })
    const abort = new AbortController()
    const failure = await extract(slowed, {
      endDate: '2025-06-15',
      tmpDir: dir,
      signal: abort.signal,
      onLog: (line) => /chunk 2 of \d+ done/.test(line) && abort.abort(new Error('stopped by the test')),
    }).then(
      () => undefined,
      (error: unknown) => error,
    )
    assert.equal((failure as Error | undefined)?.message, 'stopped by the test')
    const state = StateStore.open(slowed.output.state)
    try {
      assert.deepEqual(
        state.unfinishedChunkedRun(mappingKeyOf(slowed))!.chunks.filter((chunk) => chunk.done).map((chunk) => chunk.chunk),
        [2],
      )
    } finally {
      state.close()
    }
    assert.deepEqual(leftovers(slowed.output.state), { reads: 0, entities: 0 })
    assert.equal(readdirSync(slowed.output.folder).filter((name) => name.startsWith('opwr_') || name.startsWith('.part-')).length, 1, 'only chunk 2 left a file')

    await db.knex.raw('UPDATE oe_gate SET n = 1')
    const resumed = await extract(slowed, { endDate: '2025-06-15', tmpDir: dir })
    assert.match(resumed.log.join('\n'), /resuming full-\d+: 1 of \d+ chunks done \(2\), starting at chunk 1/)
    assert.ok(!resumed.log.some((line) => / chunk 2\/\d+: /.test(line)), 'chunk 2 is not read again')
    const whole = await extract(onPostgres('whole-aborted', 0, 1), { endDate: '2025-06-15', tmpDir: dir })
    assertSameAsUnchunked(resumed.result, whole.result, 4, { stampsInFileOrder: false })
  })
})
