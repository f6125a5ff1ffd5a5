import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadMapping } from '../../src/config/load-mapping.js'
import type { Mapping } from '../../src/config/mapping.js'
import { mappingKeyOf } from '../../src/state/mapping-key.js'
import { StateStore } from '../../src/state/state-store.js'
import { workspaceStatus } from '../../src/state/workspace-status.js'
import { retarget } from '../source/extract-from.js'
import { type ScratchDatabase } from '../source/scratch-database.js'
import { DemoExtractFixture } from './demo-extract-fixture.js'
import { assertSameAsUnchunked, dataLines, demoOnPostgres, extract, recordedReads, seqOf } from './chunked-historical-fixture.js'

// Chunked full historicals: the same rows as one read of the window, each service point in one chunk's
// file, and a failed run resumed from its last finished chunk.

describe('chunked full historical on SQLite', () => {
  let demo: DemoExtractFixture
  before(() => {
    demo = new DemoExtractFixture(400)
  })
  after(() => demo.dispose())

  const chunkedMapping = (perChunk: number, extra = '') =>
    loadMapping(demo.mapping((text) => text.replace('  compression: gz', `  compression: gz\n  chunk_service_points: ${perChunk}${extra}`))).mapping

  it('writes the rows of one unchunked read, each service point in one file, files in load order, counts reconciled per chunk', async () => {
    const whole = await extract(chunkedMapping(0), { tmpDir: demo.dir })
    assert.ok(!whole.log.some((line) => /chunk/.test(line)), whole.log.join('\n'))
    const chunked = await extract(chunkedMapping(60, '\n  max_rows_per_file: 800'), { tmpDir: demo.dir })
    const chunks = Number(/: (\d+) chunks of 60 service points/.exec(chunked.log.join('\n'))?.[1])
    assert.ok(chunks >= 4, chunked.log.join('\n'))
    // max_rows_per_file still splits inside a chunk.
    assert.ok(chunked.result.files.length > chunks, `${chunked.result.files.length} files for ${chunks} chunks`)
    assertSameAsUnchunked(chunked.result, whole.result, chunks)
    assert.equal(chunked.log.filter((line) => / chunk \d+\/\d+: \d+ reads with date_to/.test(line)).length, chunks, 'one count query per chunk')

    const state = StateStore.open(loadMapping(demo.mapping()).mapping.output.state)
    try {
      const run = state.run(chunked.result.runId)!
      assert.deepEqual(run.files.map((file) => file.fileName), chunked.result.files.map((file) => file.fileName))
      assert.equal(state.unfinishedChunkedRuns().length, 0, 'a finished run leaves no plan behind')
    } finally {
      state.close()
    }
  })

  it('an aborted run is invisible to send, status and search, and a rerun resumes at its first unfinished chunk', async () => {
    const mapping = chunkedMapping(50)
    const abort = new AbortController()
    const failed = await extract(mapping, {
      tmpDir: demo.dir,
      signal: abort.signal,
      onLog: (line) => {
        // Mid-chunk: chunk 3 has counted its reads and starts reading them.
        if (/ chunk 3\/\d+: \d+ reads with date_to/.test(line)) abort.abort(new Error('stopped by the test'))
      },
    }).then(
      () => undefined,
      (error: unknown) => error,
    )
    assert.ok(failed, 'the aborted extract fails')
    const out = readdirSync(mapping.output.folder)
    assert.ok(!out.some((name) => name.startsWith('.part-')), `no temporary file stays: ${out.join(', ')}`)
    const kept = out.filter((name) => name.startsWith('opwr_'))
    assert.equal(kept.length, 2, `only the two finished chunks' files stay, nothing of the aborted third: ${out.join(', ')}`)

    const state = StateStore.open(mapping.output.state)
    let runId: string
    let seq: number
    try {
      const unfinished = state.unfinishedChunkedRun(mappingKeyOf(mapping))!
      runId = unfinished.runId
      seq = unfinished.seq
      assert.deepEqual(unfinished.chunks.filter((chunk) => chunk.done).map((chunk) => chunk.chunk), [1, 2])
      assert.equal(state.run(runId), undefined, 'not a run yet')
      assert.ok(!state.pendingFiles().some((file) => kept.includes(file.fileName)), 'send --pending does not see its files')
      const status = workspaceStatus(state, mappingKeyOf(mapping), new Date())
      assert.equal(status.unfinished?.runId, runId)
      assert.equal(status.unfinished?.chunksDone, 2)
      assert.ok(!status.runs.some((run) => run.runId === runId))
      // Another extract's start (which clears unrecorded rows) keeps the finished chunks' rows.
      state.discardUnrecordedRows()
    } finally {
      state.close()
    }
    const recorded = recordedReads(mapping.output.state).filter((row) => row.run_seq === seq)
    assert.deepEqual([...new Set(recorded.map((row) => row.file_name))].sort(), kept.sort(), 'only the finished chunks\' reads stay recorded, none of the aborted chunk')

    const resumed = await extract(mapping, { tmpDir: demo.dir })
    assert.match(resumed.log.join('\n'), new RegExp(`resuming ${runId}: chunks 1–2 of \\d+ done, starting at chunk 3`))
    assert.ok(!resumed.log.some((line) => / chunk [12]\/\d+: /.test(line)), `finished chunks are not read again:\n${resumed.log.join('\n')}`)
    assert.equal(resumed.result.runId, runId)
    assert.deepEqual(resumed.result.files.slice(0, 2).map((file) => file.fileName), kept.sort())
    const whole = await extract(chunkedMapping(0), { tmpDir: demo.dir })
    assertSameAsUnchunked(resumed.result, whole.result, 3)

    const after = StateStore.open(mapping.output.state)
    try {
      const run = after.run(runId)!
      assert.equal(run.files.length, resumed.result.files.length)
      assert.deepEqual(after.unfinishedChunkedRuns(), [])
      assert.equal(after.pendingFiles().filter((file) => file.runId === runId).length, resumed.result.files.length, 'send --pending sees the whole run now')
    } finally {
      after.close()
    }
    // Every read of the run is indexed (search) under the file it is in, none left unnamed, none twice.
    const reads = recordedReads(mapping.output.state).filter((row) => row.run_seq === seqOf(mapping.output.state, runId))
    assert.deepEqual([...new Set(reads.map((row) => row.file_name))].sort(), resumed.result.files.map((file) => file.fileName).sort())
    const lineCount = resumed.result.files.reduce((sum, file) => sum + dataLines(file.path).length, 0)
    assert.equal(reads.length, lineCount)
  })

  it('--restart and another window start over, setting the unfinished files aside', async () => {
    const mapping = chunkedMapping(50)
    const stopAfterFirstChunk = async (endDate?: string) => {
      const abort = new AbortController()
      await extract(mapping, { tmpDir: demo.dir, endDate, signal: abort.signal, onLog: (line) => /chunk 1 of \d+ done/.test(line) && abort.abort() }).catch(() => undefined)
    }
    await stopAfterFirstChunk()
    const first = readdirSync(mapping.output.folder).filter((name) => name.startsWith('opwr_'))
    assert.equal(first.length, 1)
    const restarted = await extract(mapping, { tmpDir: demo.dir, restart: true })
    assert.match(restarted.log.join('\n'), /discarding unfinished full-\d+ \(1 of \d+ chunks done\): --restart; starting over/)
    assert.ok(!restarted.log.some((line) => /resuming/.test(line)))
    assert.ok(existsSync(join(mapping.output.folder, `${first[0]}.unrecorded`)), 'the discarded chunk file is set aside')
    assert.ok(!restarted.result.files.some((file) => file.fileName === first[0]))

    await stopAfterFirstChunk()
    const other = await extract(mapping, { tmpDir: demo.dir, endDate: '2026-09-30' })
    assert.match(other.log.join('\n'), /discarding unfinished full-\d+ \(1 of \d+ chunks done\): it covers reads \S+ … 2026-10-15, this extract \S+ … 2026-09-30/)
    assert.ok(other.result.valid)
  })
})

describe('chunked full historical on PostgreSQL (its own collation decides the ranges)', () => {
  let dir: string
  let db: ScratchDatabase
  let base: Mapping
  before(async () => {
    ;({ dir, db, base } = await demoOnPostgres('opx-chunks-pg-'))
  })
  after(async () => {
    await db.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const onPostgres = (name: string, perChunk: number, edit: (mapping: Mapping) => Mapping = (m) => m): Mapping => {
    const mapping = edit(retarget(base, db, join(dir, name)))
    return { ...mapping, output: { ...mapping.output, chunkServicePoints: perChunk } }
  }

  it('gives the rows of one unchunked read', async () => {
    const whole = await extract(onPostgres('whole', 0), { endDate: '2025-06-15', tmpDir: dir })
    const chunked = await extract(onPostgres('chunked', 25), { endDate: '2025-06-15', tmpDir: dir })
    assertSameAsUnchunked(chunked.result, whole.result, 4)
  })

  it('a session killed mid-chunk (pg_terminate_backend) fails the run; the rerun resumes and completes it', async () => {
    const marker = `oe_chunk_${randomBytes(4).toString('hex')}`
    // The marker leads the SELECT list (servers show the first 1 KB of a statement); each row is slowed a little.
    const slowed = onPostgres('killed', 25, (mapping) => ({
      ...mapping,
      reads: { ...mapping.reads, key: `CASE WHEN '${marker}' = '${marker}' THEN bs.bseg_id END` },
      query: { ...(mapping.query as Extract<Mapping['query'], { kind: 'tables' }>), where: `bs.bseg_stat_flg = '50' AND pg_sleep(0.002)::text = ''` },
    }))
    let firstDone = false
    const run = extract(slowed, { endDate: '2025-06-15', tmpDir: dir, onLog: (line) => (firstDone ||= /chunk 1 of \d+ done/.test(line)) }).then(
      () => undefined,
      (error: unknown) => error,
    )
    const started = Date.now()
    let killed = 0
    while (killed === 0 && Date.now() - started < 120_000) {
      await sleep(100)
      if (!firstDone) continue
      const result = (await db.admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE ? AND query LIKE '%AS f0%' AND pid <> pg_backend_pid()`,
        [`%${marker}%`],
      )) as { rows: unknown[] }
      killed = result.rows.length
    }
    assert.ok(killed > 0, 'a chunk after the first was seen reading and killed')
    const failure = await run
    assert.equal((failure as { code?: string } | undefined)?.code, 'SOURCE_CONNECTION_LOST', String(failure))
    assert.ok(!readdirSync(slowed.output.folder).some((name) => name.startsWith('.part-')))

    const resumed = await extract(slowed, { endDate: '2025-06-15', tmpDir: dir })
    assert.match(resumed.log.join('\n'), /resuming full-\d+: chunks? 1(–\d+)? of \d+ done, starting at chunk \d+/)
    const whole = await extract(onPostgres('whole-again', 0), { endDate: '2025-06-15', tmpDir: dir })
    assertSameAsUnchunked(resumed.result, whole.result, 4)
  })
})
