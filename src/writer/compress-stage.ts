import { createRequire } from 'node:module'
import { Duplex, PassThrough, type Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import type { ZipFile } from 'yazl'

/** The two containers the spec allows (LEGACY-BILLING-SPEC.md §6): gzip by default, zip on request. */
export const COMPRESSIONS = ['gz', 'zip'] as const
export type Compression = (typeof COMPRESSIONS)[number]

// DOS time has no zone and yazl reads it from local getters: 1980-01-01 00:00 local is the DOS epoch in
// every zone, so the entry header carries the same bytes whatever the process TZ. With forceDosTimestamp
// yazl omits the extra UTC field that would otherwise depend on the zone.
const FIXED_ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0)
// Owner-only, like the archive itself: the entry holds names and addresses.
const ZIP_ENTRY_MODE = 0o100600
// yazl is required when a zip is written: this module is imported by everything that parses file names
// (validate, send, status), which would otherwise load it for nothing.
const requireYazl = createRequire(import.meta.url)

/**
 * Builds the compression stage of a spec file: TSV bytes in, compressed bytes out. Both give the same
 * bytes for the same input: node's gzip header carries no timestamp or file name, and the zip entry has a
 * fixed time and mode.
 *
 * The zip holds exactly one entry (no directory entries), named `entryName`, deflated at `level`.
 */
export function compressStage(compression: Compression, entryName: string, level: number): Duplex {
  if (compression === 'gz') return createGzip({ level })
  return new ZipOneEntryStream(entryName, level)
}

/**
 * yazl streams, but through its own `.pipe()` chain that neither forwards errors nor stops when the
 * consumer goes away. Wrapping it in a Duplex whose destroy tears down both ends keeps `pipeline`'s
 * guarantees (an abort or a failure anywhere settles the pipeline). An async-generator stage cannot do
 * this on Node 20: parked in `for await` on yazl's output, its return() never runs.
 */
class ZipOneEntryStream extends Duplex {
  readonly #input = new PassThrough()
  readonly #output: Readable

  constructor(entryName: string, level: number) {
    super()
    const zip = new (requireYazl('yazl') as { ZipFile: typeof ZipFile }).ZipFile()
    zip.addReadStream(this.#input, entryName, {
      mtime: FIXED_ZIP_MTIME,
      forceDosTimestamp: true,
      mode: ZIP_ENTRY_MODE,
      compressionLevel: level,
    })
    zip.end()
    this.#output = zip.outputStream as Readable
    this.#output.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.#output.pause()
    })
    this.#output.once('end', () => this.push(null))
    this.#output.once('error', (error: Error) => this.destroy(error))
    zip.once('error', (error: Error) => this.destroy(error))
  }

  override _read(): void {
    this.#output.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#input.write(chunk)) callback()
    else this.#input.once('drain', () => callback())
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#input.end()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#input.destroy()
    this.#output.destroy()
    callback(error)
  }
}
