import type { Mapping } from '../config/mapping.js'
import { makeOwnerOnlyDir } from '../platform/restrict-to-owner.js'
import { StateStore } from '../state/state-store.js'
import { acquireWorkspaceLock, type HeldWorkspaceLock } from '../state/workspace-lock.js'
import { removeStalePartFiles } from '../writer/remove-stale-part-files.js'
import { setAsideUnrecordedFiles } from './set-aside-unrecorded-files.js'

/** The workspace an extract holds while it runs: its state, open, and its lock; `close` gives both up. */
export interface ExtractWorkspace {
  readonly state: StateStore
  close(): void
}

export interface OpenExtractWorkspaceOptions {
  readonly outDir: string
  /** Who holds the lock, for a process that finds it taken (`extract --phase full`). */
  readonly command: string
  readonly log: (line: string) => void
  /** The lock when the caller holds it already (`run`, across its steps); otherwise taken here. */
  readonly heldLock?: HeldWorkspaceLock
}

/**
 * Takes the mapping's workspace for an extract: the lock (unless held), the state, and, under the lock,
 * clears what a killed run left in the output folder (its `.part-` files, and spec files it renamed but
 * never recorded). Nothing stays held when this fails.
 */
export function openExtractWorkspace(mapping: Mapping, options: OpenExtractWorkspaceOptions): ExtractWorkspace {
  const { log, heldLock } = options
  makeOwnerOnlyDir(options.outDir)
  if (heldLock && heldLock.dir !== mapping.output.state) {
    throw new Error(`the workspace lock held is of ${heldLock.dir}, not of ${mapping.output.state}`)
  }
  const release = heldLock
    ? () => {}
    : acquireWorkspaceLock(mapping.output.state, options.command, (owner) =>
        log(`taking over a stale workspace lock of pid ${owner.pid} (${owner.command}, ${owner.started})`),
      )
  let state: StateStore | undefined
  try {
    state = StateStore.open(mapping.output.state)
    // Under the lock: a `.part-` file of a dead process is a killed run's leftover, never a file in progress.
    for (const name of removeStalePartFiles(options.outDir)) log(`removed ${name}, left by a run that was killed`)
    setAsideUnrecordedFiles(options.outDir, mapping, state, log)
  } catch (error) {
    state?.close()
    release()
    throw error
  }
  const opened = state
  return {
    state: opened,
    close: () => {
      opened.close()
      release()
    },
  }
}
