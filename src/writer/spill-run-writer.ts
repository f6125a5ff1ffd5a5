import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { ToolkitError } from '../errors/toolkit-error.js'

/** Lines are joined into chunks of about this many characters before each write. */
const CHUNK_CHARS = 1 << 20
/**
 * The stream may hold a few chunks while the sort serializes the next ones, so disk and CPU overlap; past
 * that, `push` callers wait for `drain`. Bounded, so a slow disk cannot make memory grow.
 */
const STREAM_HIGH_WATER_MARK = 4 * CHUNK_CHARS

/**
 * Writes one run file: serialized records, each followed by `\n`. Callers `push` lines and await `flush()`
 * whenever `shouldFlush` says a chunk is ready; `close()` flushes the rest and waits until the file is
 * complete. Disk errors (full disk, no permission) become `OUTPUT_NOT_WRITABLE` naming the file.
 */
export class SpillRunWriter {
  readonly path: string
  readonly #stream: WriteStream
  #lines: string[] = []
  #chars = 0
  #error: Error | undefined

  constructor(path: string) {
    this.path = path
    // `flags: 'wx'`: the run name is fresh in a fresh directory; an existing file means something is wrong.
    this.#stream = createWriteStream(path, { flags: 'wx', highWaterMark: STREAM_HIGH_WATER_MARK })
    // Without a listener an error between two writes would crash the process; keep it for the next call.
    this.#stream.on('error', (error) => {
      this.#error ??= error
    })
  }

  /** Appends one serialized record; the caller guarantees it holds no `\n`. */
  push(line: string): void {
    this.#lines.push(line)
    this.#chars += line.length + 1
  }

  get shouldFlush(): boolean {
    return this.#chars >= CHUNK_CHARS
  }

  /** Hands the buffered lines to the file and waits for `drain` when the stream's buffer is full. */
  async flush(): Promise<void> {
    this.#throwIfFailed()
    if (this.#lines.length === 0) return
    this.#lines.push('')
    const chunk = this.#lines.join('\n')
    this.#lines = []
    this.#chars = 0
    try {
      if (!this.#stream.write(chunk)) await once(this.#stream, 'drain')
    } catch (error) {
      throw this.#wrap(error)
    }
    this.#throwIfFailed()
  }

  /** Flushes what is left and resolves once the whole file is on disk (closed). */
  async close(): Promise<void> {
    await this.flush()
    this.#stream.end()
    try {
      await finished(this.#stream)
    } catch (error) {
      throw this.#wrap(error)
    }
  }

  /** Abandons the file (on error or abort); the caller removes the directory. */
  destroy(): void {
    this.#lines = []
    this.#stream.destroy()
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) throw this.#wrap(this.#error)
  }

  #wrap(error: unknown): ToolkitError {
    const reason = error instanceof Error ? error.message : String(error)
    return new ToolkitError('OUTPUT_NOT_WRITABLE', `cannot write sort run file ${this.path}: ${reason}`, {
      hint:
        'the sort spills to its temporary directory: free disk space there, ' +
        'or point the temporary directory at a larger, writable disk',
      cause: error,
    })
  }
}
