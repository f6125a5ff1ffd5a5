import { crc32 } from 'node:zlib'
import { openPromise, type Entry, type ZipFile } from 'yauzl'

/** What a zip entry is, as far as V11 cares. */
export type ZipEntryKind = 'file' | 'directory' | 'symlink'

/** One entry of the central directory. */
export interface ZipEntryFact {
  readonly name: string
  readonly kind: ZipEntryKind
}

/** An opened zip: its entries, and the content of the first regular file in it. */
export interface ZipArchive {
  /** Every entry, in directory order (at most {@link MAX_LISTED_ENTRIES}). */
  readonly entries: readonly ZipEntryFact[]
  /** Entries in the central directory, listed or not. */
  readonly entryCount: number
  /** The first regular file entry: the one that is validated. */
  readonly dataEntry: ZipEntryFact | undefined
  /** Its decompressed bytes; fails at the end when the CRC-32 or size does not match. */
  chunks(): AsyncIterable<Buffer>
  close(): void
}

/** A zip with more entries than this is broken for V11 anyway; listing them all would only cost memory. */
export const MAX_LISTED_ENTRIES = 1000

const S_IFMT = 0o170000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000

/**
 * Opens a zip with yauzl and reads its central directory. yauzl checks entry sizes but not CRC-32 (its
 * README says so), so {@link ZipArchive.chunks} computes the CRC itself: V12 asks for both.
 * Throws when the central directory cannot be read (the caller reports the file as unreadable).
 */
export async function openZipArchive(path: string): Promise<ZipArchive> {
  const zip = await openPromise(path, { autoClose: false, validateEntrySizes: true, strictFileNames: false })
  const entries: ZipEntryFact[] = []
  let data: Entry | undefined
  let dataFact: ZipEntryFact | undefined
  try {
    for await (const entry of zip.eachEntry()) {
      const fact: ZipEntryFact = { name: entry.fileName, kind: kindOf(entry) }
      if (entries.length < MAX_LISTED_ENTRIES) entries.push(fact)
      if (data === undefined && fact.kind === 'file') {
        data = entry
        dataFact = fact
      }
    }
  } catch (error) {
    zip.close()
    throw error
  }
  return {
    entries,
    entryCount: zip.entryCount,
    dataEntry: dataFact,
    chunks: () => entryChunks(zip, data),
    close: () => {
      if (zip.isOpen) zip.close()
    },
  }
}

async function* entryChunks(zip: ZipFile, entry: Entry | undefined): AsyncIterable<Buffer> {
  if (entry === undefined) return
  const stream = await zip.openReadStreamPromise(entry, {})
  let crc = 0
  try {
    for await (const chunk of stream) {
      crc = crc32(chunk as Buffer, crc)
      yield chunk as Buffer
    }
  } finally {
    stream.destroy()
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new Error(`CRC-32 mismatch in zip entry ${entry.fileName}: computed ${hex(crc)}, stored ${hex(entry.crc32)}`)
  }
}

function kindOf(entry: Entry): ZipEntryKind {
  if (entry.fileName.endsWith('/')) return 'directory'
  // Unix mode bits live in the high half of the external attributes when the zip was made on Unix.
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT
  if (type === S_IFDIR) return 'directory'
  if (type === S_IFLNK) return 'symlink'
  return 'file'
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0')
}
