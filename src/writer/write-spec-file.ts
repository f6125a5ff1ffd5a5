import { createHash, randomBytes } from 'node:crypto'
import { constants, createWriteStream } from 'node:fs'
import { access, open, unlink, type FileHandle } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { Batches } from '../platform/row-batches.js'
import { findNameIgnoringCase } from '../platform/find-name-ignoring-case.js'
import { renameWithRetry } from '../platform/rename-with-retry.js'
import { restrictToOwner } from '../platform/restrict-to-owner.js'
import type { FileSpec } from '../spec/file-layout.js'
import { compressStage, type Compression } from './compress-stage.js'
import { encodeTsv } from './encode-tsv.js'

/** Where and how one spec file is written. */
export interface WriteSpecFileOptions {
  readonly spec: FileSpec
  /** The output folder; it must exist. The temporary file is written here too, so the rename is atomic. */
  readonly dir: string
  /** The final name, e.g. `opwr_dem_res_v1-19-0_full_20261101120000.gz`; its extension must match `compression`. */
  readonly fileName: string
  readonly compression: Compression
  /** Aborting removes the temporary file; the promise rejects with the pipeline's AbortError. */
  readonly signal?: AbortSignal
  /** POSIX mode of the file, default 0o600 (owner only: the file holds names and addresses); Windows gets an owner-only ACL. */
  readonly mode?: number
  /** zlib level for gzip and for the zip entry's deflate, default 6. */
  readonly level?: number
}

/** What was written: the final path, data rows (header excluded), compressed size and its SHA-256 (hex). */
export interface WrittenSpecFile {
  readonly path: string
  readonly rows: number
  readonly bytes: number
  readonly sha256: string
}

/**
 * Streams records, in batches, into a compressed Legacy Billing file. Memory does not depend on the row count.
 *
 * The bytes go to `.part-<final name>-<pid>-<random>` in the same folder (never a name starting with
 * `opwr_`, which an upload job or the Delivery Team could pick up), are fsynced, and only then renamed to
 * the final name. On any error or abort the temporary file is removed and the final name never appears.
 * A final name that already exists is refused rather than replaced: it may already have been delivered.
 */
export async function writeSpecFile(
  records: Batches<readonly string[]> | Iterable<readonly (readonly string[])[]>,
  options: WriteSpecFileOptions,
): Promise<WrittenSpecFile> {
  const { spec, dir, fileName, compression, signal } = options
  const entryName = checkFileName(fileName, compression)
  const finalPath = join(dir, fileName)
  const partPath = join(dir, `.part-${fileName}-${process.pid}-${randomBytes(4).toString('hex')}`)
  signal?.throwIfAborted()
  await refuseExisting(dir, fileName)

  const mode = options.mode ?? 0o600
  try {
    const encoder = encodeTsv(spec)
    const digest = createHash('sha256')
    let bytes = 0
    const measure = async function* (source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
      for await (const chunk of source) {
        digest.update(chunk)
        bytes += chunk.length
        yield chunk
      }
    }
    // 'wx': a leftover temporary file of the same name is never appended to or reused.
    const out = createWriteStream(partPath, { flags: 'wx', mode })
    let writeError: unknown
    out.once('error', (error) => {
      writeError = error
    })
    try {
      await pipeline(records, encoder, compressStage(compression, entryName, options.level ?? 6), measure, out, {
        signal,
      })
    } catch (error) {
      // Only the file's own errors are output errors; a source error (a ToolkitError, a driver error)
      // or an abort travels unchanged.
      if (error === writeError) throw outputError(partPath, 'create or write', error)
      throw error
    }
    await ioStep(partPath, 'flush', () => syncFile(partPath))
    // After the flush: a read-only mode (0o400) would keep the flush from opening the file for writing.
    restrictToOwner(partPath, { mode })
    await refuseExisting(dir, fileName)
    await ioStep(finalPath, 'rename the finished file to', () => renameWithRetry(partPath, finalPath))
    await syncDir(dir)
    return { path: finalPath, rows: encoder.rows, bytes, sha256: digest.digest('hex') }
  } catch (error) {
    await unlink(partPath).catch(() => undefined)
    throw error
  }
}

/** Returns the zip entry name: the final name with `.tsv` for its extension. */
function checkFileName(fileName: string, compression: Compression): string {
  if (basename(fileName) !== fileName || fileName.includes('/') || fileName.includes('\\')) {
    throw new Error(`internal: spec file name "${fileName}" must be a bare file name, not a path`)
  }
  const extension = `.${compression}`
  if (!fileName.endsWith(extension)) {
    throw new Error(`internal: spec file name "${fileName}" does not end in ${extension} (compression ${compression})`)
  }
  return fileName.slice(0, -extension.length) + '.tsv'
}

async function refuseExisting(dir: string, fileName: string): Promise<void> {
  const finalPath = join(dir, fileName)
  const exists = await access(finalPath, constants.F_OK).then(
    () => true,
    () => false,
  )
  const hint = 'it may already have been delivered; move it away, or run again so that the next timestamp is used'
  if (exists) {
    throw new ToolkitError('OUTPUT_NOT_WRITABLE', `${finalPath}: a file with this name already exists`, { hint })
  }
  const otherCase = await findNameIgnoringCase(dir, fileName)
  if (otherCase !== undefined) {
    throw new ToolkitError('OUTPUT_NOT_WRITABLE', `${finalPath}: ${join(dir, otherCase)} already exists, and Windows, macOS and many SFTP servers take names differing only in case for one file`, { hint })
  }
}

async function ioStep<T>(path: string, action: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    throw outputError(path, action, error)
  }
}

function outputError(path: string, action: string, cause: unknown): ToolkitError {
  const code = (cause as { code?: unknown } | undefined)?.code
  const found = typeof code === 'string' ? code : String(cause)
  return new ToolkitError('OUTPUT_NOT_WRITABLE', `${path}: could not ${action} the file (${found})`, {
    hint: 'check that the output folder exists, is writable by this user and has free space',
    cause,
  })
}

/**
 * Flushes the finished file to disk before it gets its final name, so a crash cannot leave a final name
 * over missing data. The write stream has closed its descriptor by now; fsync works on the file, not the
 * descriptor, so a fresh one (writable, as Windows needs) does it. The mode is set exactly afterwards, since
 * the umask may have removed bits from the one given at creation, and Windows ignores modes.
 */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Makes the rename itself durable. Windows cannot open a folder this way, and some file systems refuse
 * fsync on one; the file's own data is already synced, so those cases are skipped.
 */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  let handle: FileHandle | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // see above
  } finally {
    await handle?.close().catch(() => undefined)
  }
}
