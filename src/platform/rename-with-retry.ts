import { renameSync } from 'node:fs'
import { rename } from 'node:fs/promises'

/** How a final rename is retried; tests shorten the delays and pass the platform they stand for. */
export interface RenameRetryOptions {
  /** Whose rules apply, default `process.platform`: only Windows gets retries. */
  readonly platform?: NodeJS.Platform
  /** Waits before each retry, in milliseconds; their count bounds the attempts. */
  readonly delaysMs?: readonly number[]
  /** The rename itself, default `fs.promises.rename` (tests inject a failing one to stand for a scanner). */
  readonly rename?: (from: string, to: string) => Promise<void>
}

/**
 * Backoff of about 9 s in all: an antivirus scanner or the search indexer opens a freshly closed file for
 * a moment (longer for a big compressed file), and Windows refuses to rename it meanwhile.
 */
const DEFAULT_DELAYS_MS = [100, 200, 400, 800, 1600, 2000, 2000, 2000] as const

/** The errors a scanner's open handle causes on Windows; elsewhere the same codes are permanent. */
const TRANSIENT_ON_WINDOWS = new Set(['EPERM', 'EBUSY', 'EACCES'])

/**
 * Renames a finished file to its final name. On Windows the transient EPERM/EBUSY/EACCES that antivirus
 * scanners cause are retried with a bounded backoff; the last error is thrown when they persist. On other
 * platforms those codes mean a real permission problem and fail at once.
 */
export async function renameWithRetry(from: string, to: string, options: RenameRetryOptions = {}): Promise<void> {
  const doRename = options.rename ?? rename
  const delays = retryDelays(options)
  for (let attempt = 0; ; attempt++) {
    try {
      await doRename(from, to)
      return
    } catch (error) {
      const delay = delays[attempt]
      if (delay === undefined || !isTransient(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/** The same for code that must stay synchronous (building the demo database); it blocks while it waits. */
export function renameWithRetrySync(
  from: string,
  to: string,
  options: Omit<RenameRetryOptions, 'rename'> & { readonly rename?: (from: string, to: string) => void } = {},
): void {
  const doRename = options.rename ?? renameSync
  const delays = retryDelays(options)
  for (let attempt = 0; ; attempt++) {
    try {
      doRename(from, to)
      return
    } catch (error) {
      const delay = delays[attempt]
      if (delay === undefined || !isTransient(error)) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay)
    }
  }
}

function retryDelays(options: { readonly platform?: NodeJS.Platform; readonly delaysMs?: readonly number[] }): readonly number[] {
  return (options.platform ?? process.platform) === 'win32' ? (options.delaysMs ?? DEFAULT_DELAYS_MS) : []
}

/** Retries exist only on Windows (see `retryDelays`), so the codes need no platform check here. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && TRANSIENT_ON_WINDOWS.has(code)
}
