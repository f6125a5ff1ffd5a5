import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'
import { MergeHeap, type SortedRun } from './sort-merge-heap.js'
import { MemoryRun } from './sort-memory-run.js'
import { SpillRunReader } from './spill-run-reader.js'
import { SpillRunWriter } from './spill-run-writer.js'

/** How records become run-file lines and back, and what to check between chunks. */
export interface SpillRunsOptions<T> {
  readonly tmpDir: string
  readonly compare: (a: T, b: T) => number
  /** Must return a string without `\n`: the caller checks. */
  readonly toLine: (record: T) => string
  readonly deserialize: (line: string) => T
  /** Throws when the sort was aborted; called once per chunk written or merged. */
  readonly checkAborted: () => void
}

/**
 * The on-disk side of the external sort: a private `mkdtemp` directory of sorted run files, numbered in
 * input order. Runs stay in input order through every merge pass (only neighbours are merged, and the
 * merged run takes their place), which is what lets the merge heap break ties by run order.
 *
 * `dispose()` destroys any open file and removes the whole directory; the sort calls it from `finally`,
 * so it runs on completion, on error, on abort and when the consumer stops early.
 */
export class SpillRuns<T> {
  readonly #options: SpillRunsOptions<T>
  #dir: string | undefined
  #paths: string[] = []
  #fileCount = 0
  #writer: SpillRunWriter | undefined
  #heap: MergeHeap<T, SortedRun<T>> | undefined

  constructor(options: SpillRunsOptions<T>) {
    this.#options = options
  }

  /** Number of run files on disk now. */
  get count(): number {
    return this.#paths.length
  }

  /** Writes already-sorted records as the next run (the directory is created on the first call). */
  async write(records: readonly T[]): Promise<void> {
    const { toLine, checkAborted } = this.#options
    const writer = await this.#openWriter()
    for (const record of records) {
      writer.push(toLine(record))
      if (writer.shouldFlush) {
        await writer.flush()
        checkAborted()
      }
    }
    this.#paths.push(await this.#closeWriter(writer))
  }

  /**
   * Merges neighbouring runs until at most `maxOpen` sources remain for the final merge, counting the
   * in-memory run as one when `withMemoryRun`. Each pass merges only as many runs as it must, so with
   * 65 runs and a limit of 64 it rewrites three runs, not all of them.
   */
  async reduce(maxOpen: number, withMemoryRun: boolean): Promise<void> {
    const extra = withMemoryRun ? 1 : 0
    while (this.#paths.length + extra > maxOpen) {
      let excess = this.#paths.length + extra - maxOpen
      const next: string[] = []
      for (let i = 0; i < this.#paths.length; ) {
        const size = Math.min(maxOpen, excess + 1, this.#paths.length - i)
        const group = this.#paths.slice(i, i + size)
        next.push(size > 1 ? await this.#mergeToFile(group) : (group[0] as string))
        excess -= size - 1
        i += size
      }
      this.#paths = next
    }
  }

  /** Opens every run plus the in-memory one (ordered last: it holds the latest input) for the final merge. */
  async openMerge(memory: T[]): Promise<MergeHeap<T, SortedRun<T>>> {
    const { compare, deserialize } = this.#options
    const heap = new MergeHeap<T, SortedRun<T>>(compare)
    this.#heap = heap
    const runs: SortedRun<T>[] = this.#paths.map((path, order) => new SpillRunReader(path, order, deserialize))
    runs.push(new MemoryRun(memory, runs.length))
    await heap.add(runs)
    return heap
  }

  /** Closes open files and removes the directory with everything in it. */
  async dispose(): Promise<void> {
    this.#writer?.destroy()
    this.#writer = undefined
    this.#heap?.closeAll()
    this.#heap = undefined
    if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true })
    this.#dir = undefined
    this.#paths = []
  }

  async #mergeToFile(group: readonly string[]): Promise<string> {
    const { compare, deserialize, checkAborted } = this.#options
    const heap = new MergeHeap<T, SpillRunReader<T>>(compare)
    this.#heap = heap
    await heap.add(group.map((path, order) => new SpillRunReader(path, order, deserialize)))
    const writer = await this.#openWriter()
    for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
      // The line read is the line written: a merge pass never re-serializes.
      writer.push(top.line)
      if (!heap.advanceTop()) await heap.refillTop()
      if (writer.shouldFlush) {
        await writer.flush()
        checkAborted()
      }
    }
    this.#heap = undefined
    const path = await this.#closeWriter(writer)
    // Free the disk as we go: a pass needs room for its output on top of its input.
    await Promise.all(group.map((merged) => rm(merged, { force: true })))
    return path
  }

  async #openWriter(): Promise<SpillRunWriter> {
    this.#dir ??= await makeSortDir(this.#options.tmpDir)
    const writer = new SpillRunWriter(join(this.#dir, `run-${String(++this.#fileCount).padStart(6, '0')}.txt`))
    this.#writer = writer
    return writer
  }

  async #closeWriter(writer: SpillRunWriter): Promise<string> {
    await writer.close()
    this.#writer = undefined
    return writer.path
  }
}

async function makeSortDir(tmpDir: string): Promise<string> {
  try {
    return await mkdtemp(join(tmpDir, 'opx-sort-'))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ToolkitError('OUTPUT_NOT_WRITABLE', `cannot create a sort directory in ${tmpDir}: ${reason}`, {
      hint:
        'the sort spills to disk when a table does not fit in memory: ' +
        'point the temporary directory at a writable disk with room for the table',
      cause: error,
    })
  }
}
