import { stat } from 'node:fs/promises'
import { basename, posix } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { DeliveryTarget } from './delivery-target.js'
import { withRetry } from './with-retry.js'

export interface DeliverOptions {
  readonly retries: number
  readonly retryDelayMs: number
  readonly signal?: AbortSignal
  readonly log?: (line: string) => void
}

export interface Delivered {
  readonly fileName: string
  readonly remotePath: string
  readonly bytes: number
  /** `sent`: uploaded now; `already-present`: found under its final name with the same size (an earlier, interrupted send). */
  readonly outcome: 'sent' | 'already-present'
  readonly attempts: number
}

/**
 * The temporary remote name: never starts with `opwr_`, so Opower's file reception never picks up a
 * half-uploaded file. Fixed per file, so a retry or a rerun replaces what an interrupted upload left.
 */
export function temporaryNameOf(fileName: string): string {
  return `.part-${fileName}`
}

/**
 * Delivers one file into `folder`: upload under the temporary name, check the remote size, rename to
 * the final name, check again. A file already under its final name with the same size counts as
 * delivered (a crash after the rename); one with another size is a conflict, never overwritten.
 * Temporary failures are retried with backoff, reconnecting each time.
 */
export async function deliverFile(target: DeliveryTarget, localPath: string, folder: string, options: DeliverOptions): Promise<Delivered> {
  const fileName = basename(localPath)
  const bytes = (await stat(localPath)).size
  const remotePath = posix.join(folder, fileName)
  const temporaryPath = posix.join(folder, temporaryNameOf(fileName))
  return withRetry(
    async (attempt) => {
      await target.connect()
      if (!(await target.stat(folder))) {
        throw new ToolkitError('DELIVERY_NOT_CONFIGURED', `${target.label}: the remote folder ${folder} does not exist`, {
          hint: 'remote folder names are case-sensitive: check delivery.shared_folder / production_folder against the server (e.g. /shared_files, /Uploads)',
        })
      }
      const present = await target.stat(remotePath)
      if (present) return alreadyThere(present.size, attempt)
      if (await target.stat(temporaryPath)) await target.remove(temporaryPath)
      await target.upload(localPath, temporaryPath)
      await expectSize(target, temporaryPath, bytes)
      await target.rename(temporaryPath, remotePath)
      await expectSize(target, remotePath, bytes)
      return { fileName, remotePath, bytes, outcome: 'sent' as const, attempts: attempt }
    },
    {
      retries: options.retries,
      delayMs: options.retryDelayMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: (error, attempt, delayMs) =>
        options.log?.(`${fileName}: attempt ${attempt} failed (${(error as Error).message}); retrying in ${Math.round(delayMs / 1000)} s`),
    },
  )

  function alreadyThere(size: number, attempt: number): Delivered {
    if (size !== bytes) {
      throw new ToolkitError('DELIVERY_REMOTE_CONFLICT', `${target.label}: ${remotePath} already exists with ${size} bytes, but the local file has ${bytes}`, {
        hint: 'a different file carries this name on the server; ask the Delivery Team before removing it, never overwrite a delivered file',
      })
    }
    return { fileName, remotePath, bytes, outcome: 'already-present', attempts: attempt }
  }
}

async function expectSize(target: DeliveryTarget, path: string, bytes: number): Promise<void> {
  const found = await target.stat(path)
  if (found?.size !== bytes) {
    throw new ToolkitError('SFTP_UPLOAD_FAILED', `${target.label}: ${path} has ${found ? `${found.size} bytes` : 'disappeared'} after the upload, expected ${bytes}`, {
      hint: 'retried automatically; if it repeats, check the free space on the server',
    })
  }
}
