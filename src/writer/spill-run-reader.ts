import { createReadStream, type ReadStream } from 'node:fs'
import type { SortedRun } from './sort-merge-heap.js'

/**
 * Read buffer per run. The merge holds one per open run (64 by default), so this is what the merge costs
 * in memory besides one parsed record per run: 64 × 64 KiB = 4 MiB.
 */
const READ_CHUNK_BYTES = 64 * 1024

/**
 * Streams one run file back, record by record. A chunked line splitter rather than `readline`: readline
 * also breaks lines at a lone `\r`, which a custom serializer may legitimately emit; here only `\n` ends a
 * record (the writer guarantees records hold none). The stream decodes UTF-8 itself, so a character split
 * across two chunks comes out whole.
 *
 * Records are deserialized one at a time as the merge reaches them, so a run never holds more than one
 * parsed record and one chunk of text.
 */
export class SpillRunReader<T> implements SortedRun<T> {
  readonly order: number
  readonly path: string
  head!: T
  /** The serialized form of `head`, so a merge pass can copy it to the next run without re-serializing. */
  line = ''
  readonly #deserialize: (line: string) => T
  #stream: ReadStream | undefined
  #chunks: AsyncIterator<string> | undefined
  #lines: string[] = []
  #next = 0
  #tail = ''
  #ended = false

  constructor(path: string, order: number, deserialize: (line: string) => T) {
    this.path = path
    this.order = order
    this.#deserialize = deserialize
  }

  advance(): boolean {
    if (this.#next >= this.#lines.length) return false
    const line = this.#lines[this.#next++] as string
    this.line = line
    this.head = this.#deserialize(line)
    return true
  }

  /** Reads chunks until a whole line is buffered, then advances; `false` at the end of the file. */
  async fill(): Promise<boolean> {
    if (this.advance()) return true
    if (this.#chunks === undefined && !this.#ended) {
      this.#stream = createReadStream(this.path, { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES })
      this.#chunks = this.#stream[Symbol.asyncIterator]() as AsyncIterator<string>
    }
    while (!this.#ended) {
      const chunks = this.#chunks as AsyncIterator<string>
      const { done, value } = await chunks.next()
      if (done === true) {
        this.#ended = true
        if (this.#tail !== '') {
          throw new Error(`sort run file ${this.path} ends without a newline: it was truncated`)
        }
        this.close()
        break
      }
      const parts = value.split('\n')
      // The last part has no newline yet: it is the start of a line the next chunk completes.
      const tail = parts.pop() as string
      if (parts.length > 0) parts[0] = this.#tail + (parts[0] as string)
      this.#tail = parts.length > 0 ? tail : this.#tail + tail
      this.#lines = parts
      this.#next = 0
      if (this.advance()) return true
    }
    return false
  }

  close(): void {
    this.#ended = true
    this.#lines = []
    this.#stream?.destroy()
    this.#stream = undefined
    this.#chunks = undefined
  }
}
