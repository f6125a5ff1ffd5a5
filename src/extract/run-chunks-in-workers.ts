import { readdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Mapping } from '../config/mapping.js'
import type { SecretSources } from '../config/resolve-secrets.js'
import type { StateStore } from '../state/state-store.js'
import { CHUNK_WORKER_URL, type ChunkJob, type FromChunkWorker, type ToChunkWorker, type WorkerChunkOutput } from './chunk-worker.js'
import { postedError, revivedError } from './error-across-threads.js'
import { chunkRecording, removeAttemptFiles } from './extract-chunk.js'
import { rejectsPartPath } from './rejects-file.js'
import type { HistoricalWindow } from './extract-window.js'
import type { ReadFilter } from './read-query.js'

/** A chunk to extract in a worker. */
export interface WorkerChunk {
  readonly chunk: number
  readonly label: string
  readonly filters: readonly ReadFilter[]
}

export interface ChunksInWorkersOptions {
  readonly mapping: Mapping
  readonly secrets: Omit<SecretSources, 'baseDir'>
  readonly window: HistoricalWindow
  readonly seq: number
  /** The chunks not done yet, in order. */
  readonly chunks: readonly WorkerChunk[]
  /** Chunks extracted at once (each a worker thread with its own connections). */
  readonly parallel: number
  /** The main thread's state: a chunk a worker could not clean up after itself is discarded through it. */
  readonly state: StateStore
  /** Hands out the run's strictly increasing file timestamps. */
  readonly nextTimestamp: () => string
  /** Commits a finished chunk (in the main thread, in the order chunks finish); discards its recorded rows if that fails. */
  readonly commit: (chunk: WorkerChunk, output: WorkerChunkOutput) => void
  readonly outDir: string
  readonly tmpDir: string
  readonly signal?: AbortSignal
  readonly log: (line: string) => void
}

/** How long a state write waits for the other connections' transactions (several write the one file). */
export const STATE_BUSY_TIMEOUT_MS = 120_000

/**
 * Extracts chunks of a full historical in up to `parallel` worker threads at once, committing each as it
 * finishes. The first chunk to fail stops the others (each discards what it recorded and wrote, as a
 * failed chunk does) and is the error thrown, with its code; chunks that finished meanwhile stay
 * committed, so a rerun resumes without them. Aborting `signal` stops every worker the same way.
 */
export async function runChunksInWorkers(options: ChunksInWorkersOptions): Promise<void> {
  const queue = [...options.chunks]
  const running = new Set<Worker>()
  let failure: { readonly error: unknown } | undefined
  const stopAll = (reason: unknown) => {
    queue.length = 0
    for (const worker of running) worker.postMessage({ kind: 'abort', reason: postedError(reason) } satisfies ToChunkWorker)
  }
  const onAbort = () => stopAll(options.signal?.reason)
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await new Promise<void>((resolve) => {
      const startNext = () => {
        while (running.size < options.parallel && queue.length > 0 && !options.signal?.aborted) {
          const chunk = queue.shift()!
          const worker = startChunk(chunk, options, (error) => {
            running.delete(worker)
            if (error !== undefined && failure === undefined && !options.signal?.aborted) {
              failure = { error }
              stopAll(error)
            }
            startNext()
          })
          running.add(worker)
        }
        if (running.size === 0) resolve()
      }
      startNext()
    })
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
  options.signal?.throwIfAborted()
  if (failure) throw failure.error
}

/** Starts a chunk's worker; `settled` gets undefined once the chunk is committed, or the chunk's error. */
function startChunk(chunk: WorkerChunk, options: ChunksInWorkersOptions, settled: (error: unknown) => void): Worker {
  const job: ChunkJob = {
    mapping: options.mapping,
    secrets: options.secrets,
    window: options.window,
    filters: chunk.filters,
    label: chunk.label,
    seq: options.seq,
    chunk: chunk.chunk,
    outDir: options.outDir,
    tmpDir: options.tmpDir,
    stateBusyTimeoutMs: STATE_BUSY_TIMEOUT_MS,
  }
  const worker = new Worker(CHUNK_WORKER_URL, { workerData: { chunkJob: job } })
  const stamps = new Set<string>()
  let answered = false
  let crash: unknown
  worker.on('message', (message: FromChunkWorker) => {
    switch (message.kind) {
      case 'log':
        options.log(message.line.startsWith(chunk.label) ? message.line : `${chunk.label}: ${message.line}`)
        break
      case 'stamp': {
        const stamp = options.nextTimestamp()
        stamps.add(stamp)
        worker.postMessage({ kind: 'stamp', stamp } satisfies ToChunkWorker)
        break
      }
      case 'done':
      case 'failed':
        answered = true
        void worker.terminate()
        if (message.kind === 'failed') return settled(revivedError(message.error))
        try {
          options.commit(chunk, message.output)
        } catch (error) {
          // The commit discarded what the chunk recorded; its files stay, as a chunk's in the main thread do.
          return settled(error)
        }
        settled(undefined)
    }
  })
  worker.on('error', (error) => {
    crash ??= error
  })
  worker.on('exit', (exitCode) => {
    if (answered) return
    // Ended without an answer (an uncaught error, or out of memory): what it left behind goes here.
    const error = crash ?? new Error(`${chunk.label}: its worker thread ended (exit code ${exitCode}) before the chunk was done`)
    void discardCrashedChunk(chunk, stamps, options).then(
      () => settled(error),
      (cleanup: unknown) => {
        options.log(`${chunk.label}: could not clean up after its worker: ${String(cleanup)}`)
        settled(error)
      },
    )
  })
  return worker
}

/**
 * What a worker that died left: its unnamed reads and provisional entities, the files it stamped, and
 * its temporary files (`.part-…` of this process: no later run would take them for a dead one's).
 */
async function discardCrashedChunk(chunk: WorkerChunk, stamps: ReadonlySet<string>, options: ChunksInWorkersOptions): Promise<void> {
  chunkRecording(options.state, options.seq, options.mapping, chunk.chunk).discardRecorded()
  await removeAttemptFiles(options.outDir, options.mapping, stamps, undefined)
  const rejects = basename(rejectsPartPath(options.outDir, chunk.label))
  const stamped = (name: string) => name.startsWith('.part-opwr_') && name.includes(`-${process.pid}-`) && [...stamps].some((stamp) => name.includes(`_${stamp}.`))
  const names = await readdir(options.outDir).catch(() => [] as string[])
  await Promise.all(names.filter((name) => name === rejects || stamped(name)).map((name) => rm(join(options.outDir, name), { force: true })))
}
