import { ToolkitError } from '../errors/toolkit-error.js'
import { SpillRuns } from './spill-runs.js'

/** Options of {@link sortRecords}. */
export interface SortRecordsOptions<T> {
  /** The spec comparator. Records it calls equal keep their input order. */
  readonly compare: (a: T, b: T) => number
  /** Where the sort makes its own `mkdtemp` directory for run files (only if it has to spill). */
  readonly tmpDir: string
  /**
   * Records held before a sorted run is spilled to disk. Default 50,000, which for rows of 30 short
   * strings is about 60 MB of live heap; memory does not grow beyond it with the row count. (V8 lets the
   * heap grow to a multiple of what is live: with 200,000 a 500,000-read extract peaked at 1.1 GB of RSS,
   * with 50,000 at 0.5 GB, in the same time. Up to 3.2 million records still merge in one pass.)
   */
  readonly maxRecordsInMemory?: number
  /** Most runs merged at once (open files); more runs are merged in extra passes first. Default 64. */
  readonly maxOpenRuns?: number
  /**
   * One record to one line of text without `\n` and without lone surrogates (run files are UTF-8); the
   * sort throws a `TypeError` otherwise. It must round-trip through `deserialize`: records read back from
   * disk are the deserialized copies, not the originals. The default, `JSON.stringify`, suits JSON-safe
   * records (strings, numbers, booleans, null, arrays, plain objects); for string arrays
   * `spillStringArrayCodec` is faster.
   */
  readonly serialize?: (record: T) => string
  /** Inverse of `serialize` (default `JSON.parse`). */
  readonly deserialize?: (line: string) => T
  /** Stops the sort with `INTERRUPTED`; it is checked per record read and per chunk written or merged. */
  readonly signal?: AbortSignal
  /** Called after each run file is written, with the number of runs written so far. */
  readonly onSpill?: (runs: number) => void
}

const DEFAULT_MAX_RECORDS_IN_MEMORY = 50_000
const DEFAULT_MAX_OPEN_RUNS = 64

/**
 * Sorts a record stream in bounded memory: an external merge sort.
 *
 * Records are buffered up to `maxRecordsInMemory`. If the input ends first, the buffer is sorted and
 * yielded and no file is touched. Otherwise each full buffer is sorted and written as a run file (one
 * serialized record per line) in a fresh `mkdtemp` directory under `tmpDir`; at the end the runs, plus the
 * last buffer kept in memory, are merged through a binary heap while reading each file in chunks. Beyond
 * `maxOpenRuns` runs, neighbouring runs are first merged into bigger ones.
 *
 * Stable: equal records come out in input order. In memory `Array.prototype.sort` is stable; across runs
 * the heap breaks ties by run number, and runs are numbered in input order (see `MergeHeap`).
 *
 * The directory and every file in it are removed when the generator finishes, throws (source error,
 * disk error, abort) or is returned early by its consumer.
 *
 * ```ts
 * for await (const row of sortRecords(rows, { compare: bySpecOrder, tmpDir, signal })) write(row)
 * ```
 */
export async function* sortRecords<T>(source: AsyncIterable<T>, options: SortRecordsOptions<T>): AsyncGenerator<T> {
  const { compare, signal, onSpill } = options
  const maxInMemory = limitOf('maxRecordsInMemory', options.maxRecordsInMemory, DEFAULT_MAX_RECORDS_IN_MEMORY, 1)
  const maxOpenRuns = limitOf('maxOpenRuns', options.maxOpenRuns, DEFAULT_MAX_OPEN_RUNS, 2)
  let read = 0
  let written = -1
  const checkAborted = (): void => {
    if (signal?.aborted === true) {
      const where =
        written < 0 ? `while reading, after ${read} records` : `after passing on ${written} of ${read} records`
      throw new ToolkitError('INTERRUPTED', `sort interrupted ${where}`, {
        hint: 'the run was cancelled; its temporary sort files are removed: rerun to extract again',
        cause: signal.reason,
      })
    }
  }
  const runs = new SpillRuns<T>({
    tmpDir: options.tmpDir,
    compare,
    toLine: lineWriterOf(options.serialize),
    deserialize: options.deserialize ?? (JSON.parse as (line: string) => T),
    checkAborted,
  })
  try {
    let buffer: T[] = []
    for await (const record of source) {
      checkAborted()
      // Spill only when a record arrives for a full buffer: input of exactly maxInMemory stays in memory.
      if (buffer.length >= maxInMemory) {
        buffer.sort(compare)
        await runs.write(buffer)
        buffer = []
        onSpill?.(runs.count)
      }
      buffer.push(record)
      read++
    }
    checkAborted()
    buffer.sort(compare)

    written = 0
    if (runs.count === 0) {
      for (const record of buffer) {
        yield record
        written++
        checkAborted()
      }
      return
    }

    await runs.reduce(maxOpenRuns, buffer.length > 0)
    const heap = await runs.openMerge(buffer)
    buffer = []
    for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
      const record = top.head
      if (!heap.advanceTop()) await heap.refillTop()
      yield record
      written++
      checkAborted()
    }
  } finally {
    await runs.dispose()
  }
}

/**
 * The serializer with its contract checked: a run-file line is a string without `\n` and without a lone
 * surrogate (the file is UTF-8, which would turn one into U+FFFD and silently change the record).
 */
function lineWriterOf<T>(serialize: ((record: T) => string) | undefined): (record: T) => string {
  if (serialize === undefined) {
    // JSON.stringify escapes control characters and lone surrogates, so only `undefined` needs a check.
    return (record) => {
      const line = JSON.stringify(record) as string | undefined
      if (typeof line !== 'string') {
        throw new TypeError(`sortRecords: JSON.stringify cannot serialize ${String(record)}`)
      }
      return line
    }
  }
  return (record) => {
    const line = serialize(record)
    if (typeof line !== 'string') {
      throw new TypeError(`sortRecords: serialize returned ${typeof line} instead of a string`)
    }
    const at = line.indexOf('\n')
    if (at >= 0) {
      throw new TypeError(
        `sortRecords: serialize returned a line with a newline at character ${at}: ` +
          JSON.stringify(line.slice(0, 80)) +
          ' (run files are newline-separated; escape newlines in serialize and unescape them in deserialize)',
      )
    }
    if (!isWellFormed(line)) {
      throw new TypeError(
        `sortRecords: serialize returned a line with a lone surrogate: ${JSON.stringify(line.slice(0, 80))}` +
          ' (run files are UTF-8, which cannot hold one; escape it in serialize)',
      )
    }
    return line
  }
}

/** `String.prototype.isWellFormed` is ES2024 (Node 20 has it); the project's `lib` stops at ES2023. */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed()
}

function limitOf(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`sortRecords: ${name} must be an integer of at least ${min}, got ${value}`)
  }
  return value
}
