import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import yauzl from 'yauzl'

/** One entry of a zip as read back by yauzl (an independent reader, not the library that wrote it). */
export interface ZipEntryRead {
  readonly name: string
  readonly isDirectory: boolean
  readonly data: Buffer
}

/** Every entry of a zip file, with its decompressed bytes (yauzl checks sizes and the CRC on the way). */
export async function readZipEntries(path: string): Promise<ZipEntryRead[]> {
  const zip = await yauzl.fromBufferPromise(await readFile(path), { lazyEntries: true })
  const entries: ZipEntryRead[] = []
  for await (const entry of zip.eachEntry()) {
    const isDirectory = entry.fileName.endsWith('/')
    const chunks: Buffer[] = []
    if (!isDirectory) {
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer)
    }
    entries.push({ name: entry.fileName, isDirectory, data: Buffer.concat(chunks) })
  }
  return entries
}

/** The decompressed TSV bytes of a written spec file, gz or zip (which must hold exactly one entry). */
export async function readSpecFile(path: string): Promise<Buffer> {
  if (path.endsWith('.gz')) return gunzipSync(await readFile(path))
  const entries = await readZipEntries(path)
  if (entries.length !== 1) throw new Error(`${path}: expected one zip entry, found ${entries.length}`)
  return (entries[0] as ZipEntryRead).data
}
