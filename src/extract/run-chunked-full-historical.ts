import { existsSync, renameSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { mappingKeyOf } from '../state/mapping-key.js'
import type { ChunkedRun, StateStore } from '../state/state-store.js'
import { nextFileTimestamp } from '../writer/file-timestamp.js'
import { chunkEntitySeq, chunkPlaceholder, nameRecordedFiles } from './delivery-ledger.js'
import { chunkRecording, extractChunk, type ChunkOutput, type ValidatedFile } from './extract-chunk.js'
import { addCounts, emptyCounts, type ExtractCounts } from './extract-counts.js'
import { historicalRunValid } from './historical-run-valid.js'
import { chunkCondition, chunkFingerprint, planChunks } from './plan-chunks.js'
import { runChunksInWorkers, STATE_BUSY_TIMEOUT_MS, type WorkerChunk } from './run-chunks-in-workers.js'
import type { HistoricalExtractOptions, HistoricalExtractResult } from './run-historical-extract.js'
import { historicalRunRecord } from './run-historical-extract.js'
import { UNRECORDED_SUFFIX } from './set-aside-unrecorded-files.js'

/**
 * A full historical in chunks of service points (`output.chunk_service_points`), each read in its own
 * short snapshot into its own file(s) and committed to the state on its own. The run stays out of the
 * ledger (send, status verdicts, watermarks, search) until its last chunk is done. A rerun with the same
 * mapping and window resumes at the first chunk not done; `restart`, another window or a changed mapping
 * discards the unfinished run (its files are set aside as `.unrecorded`, as a killed extract's are).
 * With `output.parallel_chunks` above 1, up to that many chunks run at once in worker threads (see
 * runChunksInWorkers); the run's record, files and state rows are those of one chunk after another.
 */
export async function runChunkedFullHistorical(options: HistoricalExtractOptions, state: StateStore): Promise<HistoricalExtractResult> {
  const { mapping, window, log } = options
  const now = options.now ?? (() => new Date())
  const fingerprint = chunkFingerprint(mapping, options.outDir)
  let run = state.unfinishedChunkedRun(mappingKeyOf(mapping))
  if (run) {
    const reason = options.restart
      ? '--restart'
      : run.windowFrom !== window.from || run.windowEnd !== window.end
        ? `it covers reads ${run.windowFrom} … ${run.windowEnd}, this extract ${window.from} … ${window.end}`
        : run.fingerprint !== fingerprint
          ? `the mapping or the output folder changed since it started (${run.mappingFile})`
          : missingFile(run)
    if (reason !== undefined) {
      discardUnfinishedRun(run, state, reason, log)
      run = undefined
    }
  }
  if (run) {
    const next = run.chunks.find((chunk) => !chunk.done)?.chunk
    log(`resuming ${run.runId}: ${chunksDone(run)}` + (next === undefined ? ', recording the run' : `, starting at chunk ${next}`))
  } else {
    const seq = state.nextRunSeq()
    const runId = state.nextRunId('full')
    const bounds = await planChunks(mapping, options.source, window, mapping.output.chunkServicePoints, options.signal)
    state.planChunkedRun({
      seq,
      runId,
      mappingKey: mappingKeyOf(mapping),
      mappingFile: mapping.file,
      windowFrom: window.from,
      windowEnd: window.end,
      fingerprint,
      createdAt: now().toISOString(),
      bounds,
    })
    run = state.unfinishedChunkedRun(mappingKeyOf(mapping))!
    if (bounds.length > 1) log(`${runId}: ${bounds.length} chunks of ${mapping.output.chunkServicePoints} service points (a rerun resumes after a failure)`)
  }

  let lastStamp = state.lastFileTimestamp()
  const nextTimestamp = () => (lastStamp = nextFileTimestamp(now(), mapping.timezone, lastStamp))
  const total = run.chunks.length
  const seq = run.seq
  const pending = run.chunks
    .filter((chunk) => !chunk.done)
    .map((chunk) => ({
      chunk: chunk.chunk,
      label: total === 1 ? run.runId : `${run.runId} chunk ${chunk.chunk}/${total}`,
      filters: [{ from: window.from, toExclusive: window.toExclusive, where: chunkCondition(mapping, chunk) }],
    }))
  /** Commits a finished chunk: its parts named after its files, its entities moved to the run. */
  const commit = (chunk: WorkerChunk, output: Pick<ChunkOutput, 'files' | 'counts' | 'rejectsFile'>) => {
    try {
      state.commitChunk(
        {
          seq,
          chunk: chunk.chunk,
          entitySeq: chunkEntitySeq(chunk.chunk),
          files: output.files.map((file) => ({ ...file, valid: file.validation.ok })),
          counts: output.counts,
          rejectsFile: output.rejectsFile,
          finishedAt: now().toISOString(),
        },
        () => nameRecordedFiles(state, seq, output.files, chunkPlaceholder(chunk.chunk)),
        lastStamp,
      )
    } catch (error) {
      chunkRecording(state, seq, mapping, chunk.chunk).discardRecorded()
      throw error
    }
    if (total > 1) log(`${run.runId}: chunk ${chunk.chunk} of ${total} done: ${output.counts.written} rows in ${output.files.map((file) => file.fileName).join(', ')}`)
  }

  /** One chunk after another, on the extract's own connection. */
  const extractInThisThread = async (chunk: WorkerChunk): Promise<void> => {
    options.signal?.throwIfAborted()
    const output = await extractChunk({
      mapping,
      source: options.source,
      window,
      filters: chunk.filters,
      label: chunk.label,
      ...chunkRecording(state, seq, mapping, chunk.chunk),
      nextTimestamp,
      outDir: options.outDir,
      tmpDir: options.tmpDir,
      signal: options.signal,
      log,
    })
    commit(chunk, output)
  }

  const parallel = Math.min(mapping.output.parallelChunks, pending.length)
  if (mapping.output.parallelChunks > 1 && pending.length === 1) {
    log(`parallel_chunks ${mapping.output.parallelChunks}: ${total === 1 ? 'the run is one chunk (see --chunk-service-points)' : 'one chunk is left'}, so it runs as one`)
  }
  if (parallel > 1) {
    const cores = availableParallelism()
    if (mapping.output.parallelChunks > cores) {
      log(`warning: parallel_chunks ${mapping.output.parallelChunks} is more than the ${cores} cores this process may use; the chunks will take turns on them`)
    }
    log(`${run.runId}: up to ${parallel} chunks at once, each with its own database connection`)
    state.waitWhenBusy(STATE_BUSY_TIMEOUT_MS)
    await runChunksInWorkers({
      mapping,
      secrets: options.secrets ?? internalError('chunks in parallel connect on their own: pass the secrets (`secrets`) the source was created with'),
      window,
      seq,
      chunks: pending,
      parallel,
      state,
      nextTimestamp,
      commit,
      outDir: options.outDir,
      tmpDir: options.tmpDir,
      signal: options.signal,
      log,
    })
  } else {
    for (const chunk of pending) await extractInThisThread(chunk)
  }

  const finished = state.unfinishedChunkedRun(mappingKeyOf(mapping))!
  const files = finished.chunks.flatMap((chunk) => chunk.files as ValidatedFile[])
  const counts = finished.chunks.reduce((sum, chunk) => addCounts(sum, chunk.counts as ExtractCounts), emptyCounts())
  const rejectsFiles = finished.chunks.flatMap((chunk) => (chunk.rejectsFile ? [chunk.rejectsFile] : []))
  for (const extra of rejectsFiles.slice(1)) log(`rejects also in ${extra}`)
  const valid = historicalRunValid(files, counts.rejected, mapping.maxRejects)
  state.finishChunkedRun(historicalRunRecord(options, { runId: finished.runId, seq: finished.seq, createdAt: finished.createdAt, counts, valid, files, chunks: total }), lastStamp)
  return { runId: finished.runId, files, rejectsFile: rejectsFiles[0], counts, valid }
}

function internalError(message: string): never {
  throw new Error(`internal: ${message}`)
}

/** `chunks 1–2 of 6 done`, or `3 of 6 chunks done (1, 2, 4)` when chunks in parallel finished out of order. */
function chunksDone(run: ChunkedRun): string {
  const done = run.chunks.filter((chunk) => chunk.done).map((chunk) => chunk.chunk)
  const total = run.chunks.length
  if (done.length === 0) return `no chunk of ${total} done`
  if (done.every((chunk, i) => chunk === i + 1)) return `${done.length === 1 ? 'chunk 1' : `chunks 1–${done.length}`} of ${total} done`
  return `${done.length} of ${total} chunks done (${done.join(', ')})`
}

/** Forgets an unfinished chunked run and sets its finished chunks' files aside, as a killed extract's are. */
function discardUnfinishedRun(run: ChunkedRun, state: StateStore, reason: string, log: (line: string) => void): void {
  const done = run.chunks.filter((chunk) => chunk.done)
  log(`discarding unfinished ${run.runId} (${done.length} of ${run.chunks.length} chunks done): ${reason}; starting over`)
  const paths = done.flatMap((chunk) => [...(chunk.files as ValidatedFile[]).map((file) => file.path), ...(chunk.rejectsFile ? [chunk.rejectsFile] : [])])
  // Files first: killed in between, the plan still lists them, a rerun finds one missing and discards again.
  for (const path of paths) {
    if (!existsSync(path)) continue
    renameSync(path, `${path}${UNRECORDED_SUFFIX}`)
    log(`warning: renamed ${path} to ${path}${UNRECORDED_SUFFIX}: it belongs to the discarded run ${run.runId}, which no run delivers; check it, then delete it`)
  }
  state.discardChunkedRun(run.seq)
}

/** Why a finished chunk cannot be kept: one of its files is gone from the output folder. */
function missingFile(run: ChunkedRun): string | undefined {
  for (const chunk of run.chunks) {
    const missing = (chunk.files as ValidatedFile[]).find((file) => !existsSync(file.path))
    if (missing) return `${missing.path} of its chunk ${chunk.chunk} is missing`
  }
  return undefined
}
