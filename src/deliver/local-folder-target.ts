import { constants } from 'node:fs'
import { copyFile, open, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'
import { renameWithRetry } from '../platform/rename-with-retry.js'
import type { DeliveryTarget, RemoteFile } from './delivery-target.js'

/**
 * A local folder standing in for the SFTP server (the demo, tests, or a share that another tool
 * forwards): remote `/shared_files` is `<root>/shared_files`. Same protocol as SFTP: copy under the
 * temporary name, fsync, rename.
 */
export class LocalFolderTarget implements DeliveryTarget {
  readonly label: string
  readonly #root: string

  constructor(root: string) {
    this.#root = resolve(root)
    this.label = `local:${this.#root}`
  }

  async connect(): Promise<void> {
    const found = await this.stat('/')
    if (!found) {
      throw new ToolkitError('DELIVERY_NOT_CONFIGURED', `the local delivery folder ${this.#root} does not exist`, {
        hint: 'create it, or correct delivery.local.folder in the mapping',
      })
    }
  }

  async stat(path: string): Promise<RemoteFile | undefined> {
    try {
      return { size: (await stat(this.#local(path))).size }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw this.#failed('stat', path, error)
    }
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    const destination = this.#local(remotePath)
    try {
      await copyFile(localPath, destination, constants.COPYFILE_FICLONE)
      const handle = await open(destination, 'r+')
      try {
        await handle.sync()
      } finally {
        await handle.close()
      }
    } catch (error) {
      throw this.#failed('copy to', remotePath, error)
    }
  }

  async rename(from: string, to: string): Promise<void> {
    try {
      await renameWithRetry(this.#local(from), this.#local(to))
    } catch (error) {
      throw this.#failed('rename', `${from} → ${to}`, error)
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.#local(path), { force: true })
  }

  async close(): Promise<void> {}

  #local(remotePath: string): string {
    return join(this.#root, ...remotePath.split('/').filter((part) => part !== ''))
  }

  #failed(what: string, path: string, cause: unknown): ToolkitError {
    return new ToolkitError('OUTPUT_NOT_WRITABLE', `${this.label}: cannot ${what} ${path}: ${(cause as Error).message}`, {
      cause,
      hint: 'check the folder exists and this user may write it',
    })
  }
}
