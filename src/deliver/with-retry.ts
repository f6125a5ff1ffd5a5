import { setTimeout as sleep } from 'node:timers/promises'
import { categoryOf } from '../errors/error-codes.js'
import { isToolkitError } from '../errors/toolkit-error.js'

export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly retries: number
  /** Delay before the first retry; doubled each time, at most `maxDelayMs`. */
  readonly delayMs: number
  readonly maxDelayMs?: number
  readonly signal?: AbortSignal
  /** Told about each failed attempt that will be retried (for the log). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

/**
 * Runs `attempt` until it succeeds or fails with an error that a retry cannot fix. Only `temporary`
 * toolkit errors are retried (network drops, timeouts); a rejected host key or a refused login is not.
 */
export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxDelayMs = options.maxDelayMs ?? 300_000
  for (let number = 1; ; number++) {
    try {
      return await attempt(number)
    } catch (error) {
      const retryable = isToolkitError(error) && categoryOf(error.code) === 'temporary' && error.code !== 'INTERRUPTED'
      if (!retryable || number > options.retries || options.signal?.aborted) throw error
      const delayMs = Math.min(options.delayMs * 2 ** (number - 1), maxDelayMs)
      options.onRetry?.(error, number, delayMs)
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {})
    }
  }
}
