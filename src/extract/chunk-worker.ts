import { parentPort, workerData } from 'node:worker_threads'
import type { Mapping } from '../config/mapping.js'
import type { SecretSources } from '../config/resolve-secrets.js'
import { createSource, type Source } from '../source/create-source.js'
import { StateStore } from '../state/state-store.js'
import { postedError, revivedError, type PostedError } from './error-across-threads.js'
import { chunkRecording, extractChunk, type ValidatedFile } from './extract-chunk.js'
import type { ExtractCounts } from './extract-counts.js'
import type { HistoricalWindow } from './extract-window.js'
import type { ReadFilter } from './read-query.js'

/** What the main thread gives a chunk worker: everything `extractChunk` needs, as plain data. */
export interface ChunkJob {
  readonly mapping: Mapping
  readonly secrets: Omit<SecretSources, 'baseDir'>
  readonly window: HistoricalWindow
  readonly filters: readonly ReadFilter[]
  readonly label: string
  readonly seq: number
  readonly chunk: number
  readonly outDir: string
  readonly tmpDir: string
  /** How long a state write waits for the other connections' transactions. */
  readonly stateBusyTimeoutMs: number
}

/** What a chunk worker produced: the chunk's output but its ledger (its reads wait under the chunk's placeholder). */
export interface WorkerChunkOutput {
  readonly files: readonly ValidatedFile[]
  readonly rejectsFile: string | undefined
  readonly counts: ExtractCounts
}

export type FromChunkWorker =
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'stamp' }
  | { readonly kind: 'done'; readonly output: WorkerChunkOutput }
  | { readonly kind: 'failed'; readonly error: PostedError }

export type ToChunkWorker = { readonly kind: 'stamp'; readonly stamp: string } | { readonly kind: 'abort'; readonly reason: PostedError }

/** Where the worker's code is (this file, compiled). */
export const CHUNK_WORKER_URL = new URL(import.meta.url)

/**
 * One chunk of a full historical in a worker thread: its own source connection and state connection,
 * the same `extractChunk` as a chunk in the main thread. File timestamps come from the main thread (they
 * strictly increase across the run), log lines go to it, and it commits the chunk once this one is done.
 */
async function runChunkJob(job: ChunkJob, port: NonNullable<typeof parentPort>): Promise<void> {
  const post = (message: FromChunkWorker) => port.postMessage(message)
  const abort = new AbortController()
  const waitingForStamps: ((stamp: string) => void)[] = []
  port.on('message', (message: ToChunkWorker) => {
    if (message.kind === 'stamp') waitingForStamps.shift()?.(message.stamp)
    else abort.abort(revivedError(message.reason))
  })
  const { mapping, seq, chunk } = job
  let state: StateStore | undefined
  let source: Source | undefined
  let result: FromChunkWorker
  try {
    state = StateStore.open(mapping.output.state)
    state.waitWhenBusy(job.stateBusyTimeoutMs)
    source = createSource(mapping, job.secrets)
    const opened = state
    const output = await extractChunk({
      mapping,
      source,
      window: job.window,
      filters: job.filters,
      label: job.label,
      ...chunkRecording(opened, seq, mapping, chunk),
      nextTimestamp: () =>
        new Promise<string>((resolve) => {
          waitingForStamps.push(resolve)
          post({ kind: 'stamp' })
        }),
      outDir: job.outDir,
      tmpDir: job.tmpDir,
      signal: abort.signal,
      log: (line) => post({ kind: 'log', line }),
    })
    result = { kind: 'done', output: { files: output.files, rejectsFile: output.rejectsFile, counts: output.counts } }
  } catch (error) {
    result = { kind: 'failed', error: postedError(error) }
  }
  // Closed before the answer: the main thread ends the worker once it has it.
  await source?.close().catch(() => {})
  state?.close()
  post(result)
}

if (parentPort && (workerData as { chunkJob?: ChunkJob } | undefined)?.chunkJob) {
  await runChunkJob((workerData as { chunkJob: ChunkJob }).chunkJob, parentPort)
}
