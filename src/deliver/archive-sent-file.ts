import { copyFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'
import { renameWithRetry } from '../platform/rename-with-retry.js'
import { makeOwnerOnlyDir, restrictToOwner } from '../platform/restrict-to-owner.js'

/**
 * Keeps the local copy of a delivered file (Opower deletes its copies after 60 days): copied under a
 * temporary name into the archive folder, readable by the owner only, then renamed. An archive copy of
 * the same size already there is kept as is, so a rerun does not rewrite it.
 */
export async function archiveSentFile(localPath: string, archiveDir: string): Promise<string> {
  const destination = join(archiveDir, basename(localPath))
  try {
    makeOwnerOnlyDir(archiveDir)
    const existing = await stat(destination).catch(() => undefined)
    if (existing && existing.size === (await stat(localPath)).size) return destination
    const temporary = join(archiveDir, `.part-${basename(localPath)}`)
    await copyFile(localPath, temporary)
    restrictToOwner(temporary)
    await renameWithRetry(temporary, destination)
    return destination
  } catch (cause) {
    throw new ToolkitError('OUTPUT_NOT_WRITABLE', `cannot archive ${localPath} into ${archiveDir}: ${(cause as Error).message}`, {
      cause,
      hint: 'check delivery.archive and that this user may write there',
    })
  }
}
