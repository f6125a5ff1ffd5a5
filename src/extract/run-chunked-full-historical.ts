import { existsSync, renameSync } from 'node:fs'
import { mappingKeyOf } from '../state/mapping-key.js'
import type { ChunkedRun, StateStore } from '../state/state-store.js'
import { nextFileTimestamp } from '../writer/file-timestamp.js'
import { DeliveryLedger } from './delivery-ledger.js'
import { extractChunk, type ValidatedFile } from './extract-chunk.js'
import { addCounts, emptyCounts, type ExtractCounts } from './extract-counts.js'
import { chunkCondition, chunkFingerprint, planChunks } from './plan-chunks.js'
import { rowHashes } from './row-hashes.js'
import type { HistoricalExtractOptions, HistoricalExtractResult } from './run-historical-extract.js'
import { historicalRunRecord } from './run-historical-extract.js'
import { UNRECORDED_SUFFIX } from './set-aside-unrecorded-files.js'

/**
 * A full historical in chunks of service points (`output.chunk_service_points`), each read in its own
 * short snapshot into its own file(s) and committed to the state on its own. The run stays out of the
 * ledger (send, status verdicts, watermarks, search) until its last chunk is done. A rerun with the same
 * mapping and window resumes at the first chunk not done; `restart`, another window or a changed mapping
 * discards the unfinished run (its files are set aside as `.unrecorded`, as a killed extract's are).
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
    const done = run.chunks.filter((chunk) => chunk.done).length
    const next = run.chunks.find((chunk) => !chunk.done)?.chunk
    log(
      `resuming ${run.runId}: ${done === 0 ? 'no chunk' : done === 1 ? 'chunk 1' : `chunks 1–${done}`} of ${run.chunks.length} done` +
        (next === undefined ? ', recording the run' : `, starting at chunk ${next}`),
    )
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
  for (const chunk of run.chunks) {
    if (chunk.done) continue
    options.signal?.throwIfAborted()
    // Entities of a chunk carry no file name: kept under a provisional sequence until the chunk commits.
    const entitySeq = -chunk.chunk
    const label = total === 1 ? run.runId : `${run.runId} chunk ${chunk.chunk}/${total}`
    const where = chunkCondition(mapping, chunk)
    const output = await extractChunk({
      mapping,
      source: options.source,
      window,
      filters: [{ from: window.from, toExclusive: window.toExclusive, where }],
      label,
      createLedger: () => new DeliveryLedger(state, run.seq, mapping, rowHashes(mapping), entitySeq),
      discardRecorded: () => state.discardUncommittedChunk(run.seq, entitySeq),
      nextTimestamp,
      outDir: options.outDir,
      tmpDir: options.tmpDir,
      signal: options.signal,
      log,
    })
    try {
      state.commitChunk(
        {
          seq: run.seq,
          chunk: chunk.chunk,
          entitySeq,
          files: output.files.map((file) => ({ ...file, valid: file.validation.ok })),
          counts: output.counts,
          rejectsFile: output.rejectsFile,
          finishedAt: now().toISOString(),
        },
        () => output.ledger.nameFiles(output.files),
        lastStamp,
      )
    } catch (error) {
      state.discardUncommittedChunk(run.seq, entitySeq)
      throw error
    }
    if (total > 1) log(`${run.runId}: chunk ${chunk.chunk} of ${total} done: ${output.counts.written} rows in ${output.files.map((file) => file.fileName).join(', ')}`)
  }

  const finished = state.unfinishedChunkedRun(mappingKeyOf(mapping))!
  const files = finished.chunks.flatMap((chunk) => chunk.files as ValidatedFile[])
  const counts = finished.chunks.reduce((sum, chunk) => addCounts(sum, chunk.counts as ExtractCounts), emptyCounts())
  const rejectsFiles = finished.chunks.flatMap((chunk) => (chunk.rejectsFile ? [chunk.rejectsFile] : []))
  for (const extra of rejectsFiles.slice(1)) log(`rejects also in ${extra}`)
  const valid = files.every((file) => file.validation.ok) && counts.rejected <= mapping.maxRejects
  state.finishChunkedRun(historicalRunRecord(options, { runId: finished.runId, seq: finished.seq, createdAt: finished.createdAt, counts, valid, files, chunks: total }), lastStamp)
  return { runId: finished.runId, files, rejectsFile: rejectsFiles[0], counts, valid }
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
