import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { ContentFacts } from './content-facts.js'
import { gzipInnerName } from './gzip-inner-name.js'
import { LineSplitter } from './line-splitter.js'
import { openZipArchive, type ZipEntryFact } from './zip-archive.js'

/** What the file's first bytes say it is; the extension is not trusted (V10 compares the two). */
export type Container = 'gzip' | 'zip' | 'plain'

/** Lines decompressed from one chunk, and whether they are pure ASCII. */
export interface LineBatch {
  readonly lines: readonly string[]
  readonly ascii: boolean
  /** The lines may hold whitespace other than space, TAB, CR and LF (see `LineSplitter`). */
  readonly otherWhitespace: boolean
}

/** A spec file opened for validation. `lines()` may be consumed once. */
export interface OpenedSpecFile {
  readonly path: string
  readonly container: Container
  /** The gzip header's FNAME, or the zip entry that is validated (V13). */
  readonly innerName: string | undefined
  /** Zip only: the entries of the central directory (V11). */
  readonly zipEntries: readonly ZipEntryFact[]
  readonly zipEntryCount: number
  /** Filled while `lines()` runs; complete once it is done. */
  readonly facts: ContentFacts
  /**
   * The decompressed lines in batches (one per chunk), without terminators, BOM stripped. A decompression
   * or CRC failure ends the iteration and is recorded in `facts.decompressError` (V12); a read error
   * throws `INPUT_UNREADABLE`.
   */
  lines(): AsyncIterable<LineBatch>
  close(): void
}

const HEAD_BYTES = 64 * 1024
const CHUNK_BYTES = 64 * 1024
const READ_AHEAD_BYTES = 1024 * 1024
const OTHER_FORMATS: readonly { readonly magic: readonly number[]; readonly name: string }[] = [
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: '7-zip' },
  { magic: [0x52, 0x61, 0x72, 0x21], name: 'rar' },
]

/**
 * Opens a `.gz`, `.zip` or plain text spec file, recognised by its magic bytes. Memory stays at a fixed
 * read-ahead (about 1 MiB) plus the longest line, whatever the file's size.
 */
export async function openSpecFile(path: string, options: { readonly exampleLimit: number }): Promise<OpenedSpecFile> {
  const head = await readHead(path)
  const container = detectContainer(path, head)
  const splitter = new LineSplitter(options.exampleLimit)
  if (container === 'zip') {
    const zip = await openZipArchive(path).catch((error: unknown) => {
      throw unreadable(path, `is not a readable zip archive (${messageOf(error)})`, error)
    })
    return {
      path,
      container,
      innerName: zip.dataEntry?.name,
      zipEntries: zip.entries,
      zipEntryCount: zip.entryCount,
      facts: splitter.facts,
      lines: () => splitLines(path, zip.chunks(), splitter),
      close: () => zip.close(),
    }
  }
  // Streams are created on first use, so an unconsumed file holds no descriptor open.
  const chunks = (): AsyncIterable<Buffer> => (container === 'gzip' ? gunzipChunks(path) : fileChunks(path))
  return {
    path,
    container,
    innerName: container === 'gzip' ? gzipInnerName(head) : undefined,
    zipEntries: [],
    zipEntryCount: 0,
    facts: splitter.facts,
    lines: () => splitLines(path, chunks(), splitter),
    close: () => undefined,
  }
}

async function* splitLines(path: string, chunks: AsyncIterable<Buffer>, splitter: LineSplitter): AsyncIterable<LineBatch> {
  try {
    for await (const chunk of chunks) {
      const lines = splitter.push(chunk)
      if (lines.length > 0) yield { lines, ascii: splitter.lastBlockAscii, otherWhitespace: splitter.lastBlockOtherWhitespace }
    }
  } catch (error) {
    if (isReadError(error)) throw unreadable(path, `could not be read (${messageOf(error)})`, error)
    // The container was recognised, so this is damaged data (V12), not an unreadable file: the lines
    // read up to here are validated and the report says where it broke. zlib may drop the output of
    // the failing write, so a small file with a bad trailer can end here with no line at all.
    splitter.discard()
    splitter.facts.decompressError = { message: messageOf(error), afterLine: splitter.facts.lines }
    return
  }
  const rest = splitter.end()
  if (rest.length > 0) yield { lines: rest, ascii: splitter.lastBlockAscii, otherWhitespace: splitter.lastBlockOtherWhitespace }
}

function gunzipChunks(path: string): AsyncIterable<Buffer> {
  // pipeline forwards a read error into the gunzip stream, so iterating it sees every failure.
  // A deep read-ahead lets zlib (on the thread pool) inflate the next chunks while this thread checks
  // rows (measured: half the idle time at 64 KiB). zlib streams pass stream options on to Transform,
  // but @types/node's ZlibOptions does not list them, hence the variable.
  const gunzipOptions = { chunkSize: CHUNK_BYTES, highWaterMark: READ_AHEAD_BYTES }
  return pipeline(createReadStream(path, { highWaterMark: CHUNK_BYTES }), createGunzip(gunzipOptions), () => {})
}

function fileChunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: CHUNK_BYTES })
}

async function readHead(path: string): Promise<Buffer> {
  try {
    const handle = await open(path, 'r')
    try {
      const buffer = Buffer.alloc(HEAD_BYTES)
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0)
      return buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw unreadable(path, `cannot be opened (${messageOf(error)})`, error)
  }
}

function detectContainer(path: string, head: Buffer): Container {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip'
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip'
  const other = OTHER_FORMATS.find((format) => startsWith(head, format.magic))
  if (other !== undefined) throw unreadable(path, `is compressed with ${other.name}; only gzip and zip are allowed`)
  if (looksBinary(head)) throw unreadable(path, 'is neither gzip, zip nor text (it looks binary)')
  return 'plain'
}

// A text file may hold a stray NUL or control byte (V21 reports it); a binary file is full of them.
function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 4096)
  let control = 0
  for (const byte of sample) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) control++
  return sample.length > 0 && control / sample.length > 0.1
}

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((byte, i) => head[i] === byte)
}

// File system errors carry a syscall; zlib and yauzl errors do not.
function isReadError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'syscall' in error
}

function unreadable(path: string, what: string, cause?: unknown): ToolkitError {
  return new ToolkitError('INPUT_UNREADABLE', `${path} ${what}`, {
    hint: 'validate the .gz or .zip file exactly as it will be sent; re-create it if it was damaged in transfer',
    cause,
  })
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
