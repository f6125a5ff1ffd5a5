import type { StateStore } from './state-store.js'

/**
 * Production mode: a run delivered to the production upload folder loads automatically, so it counts as
 * accepted the moment its last file is delivered. Call after each upload to that folder; it accepts the
 * run once every file of it is sent and returns whether it did (false while files are still pending).
 *
 * ```ts
 * state.markFileSent(file.fileName, { remotePath, sentAt: now.toISOString(), manual: false })
 * if (target.production) acceptOnDelivery(state, file.runId, now)
 * ```
 */
export function acceptOnDelivery(state: StateStore, runId: string, now: Date): boolean {
  const files = state.runFiles(runId)
  // A run with no file (an empty incremental under `empty_incremental: skip`) has nothing left to deliver.
  if (files.some((file) => file.sentAt === undefined)) return false
  return state.acceptRun(runId, now.toISOString(), 'delivery').status === 'accepted'
}
