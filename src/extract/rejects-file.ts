import { createWriteStream, type WriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { once } from 'node:events'
import { join } from 'node:path'
import { renameWithRetry } from '../platform/rename-with-retry.js'
import { restrictToOwner } from '../platform/restrict-to-owner.js'
import type { RejectedRead } from './output-row.js'

const HEADER = ['read_key', 'service_point_id', 'account_id', 'date_to', 'column', 'reason']

/** Where the rejects of run or chunk `name` are written while it goes (a worker that dies leaves it behind). */
export function rejectsPartPath(dir: string, name: string): string {
  return join(dir, `.part-rejects-${name.replace(/[^A-Za-z0-9-]+/g, '-')}-${process.pid}.tsv`)
}

/**
 * The rejected reads of a run, as a TSV beside its files: keys and reasons only, no names or addresses.
 * Written under a temporary name while the run goes, then named after the run's first file.
 */
export class RejectsFile {
  readonly #dir: string
  readonly #partPath: string
  #out: WriteStream | undefined
  #count = 0

  /** `name`: the run or chunk, e.g. `full-0003 chunk 2/12` (made safe for a file name). */
  constructor(dir: string, name: string) {
    this.#dir = dir
    this.#partPath = rejectsPartPath(dir, name)
  }

  async add(reject: RejectedRead): Promise<void> {
    if (!this.#out) {
      this.#out = createWriteStream(this.#partPath, { mode: 0o600 })
      this.#out.write(`${HEADER.join('\t')}\n`)
    }
    this.#count++
    const fields = [reject.readKey, reject.servicePointId, reject.accountId, reject.dateTo, reject.column, reject.reason]
    const line = `${fields.map((field) => field.replace(/[\t\r\n\0]/g, ' ')).join('\t')}\n`
    if (!this.#out.write(line)) await once(this.#out, 'drain')
  }

  async close(): Promise<void> {
    if (!this.#out) return
    this.#out.end()
    await once(this.#out, 'close')
  }

  /** Closes and removes the rejects written so far (the attempt failed). */
  async discard(): Promise<void> {
    if (this.#out && !this.#out.closed) await this.close()
    await rm(this.#partPath, { force: true })
  }

  /** Gives the rejects their final name (`<first file without extension>.rejects.tsv`); undefined when none. */
  async publish(firstFileName: string | undefined): Promise<string | undefined> {
    if (this.#count === 0 || !this.#out) return undefined
    if (!firstFileName) {
      await rm(this.#partPath, { force: true })
      return undefined
    }
    const path = join(this.#dir, `${firstFileName.replace(/\.(gz|zip)$/, '')}.rejects.tsv`)
    restrictToOwner(this.#partPath)
    await renameWithRetry(this.#partPath, path)
    return path
  }
}
