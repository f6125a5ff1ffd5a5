import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'
import { makeOwnerOnlyDir } from '../platform/restrict-to-owner.js'

/**
 * How long a lock file without a readable owner counts as being written by another process. Longer than
 * any stall between creating the file and writing its few bytes; a crash in between leaves it stale after this.
 */
const UNWRITTEN_LOCK_GRACE_MS = 60_000

const BUSY_HINT = 'wait for that run to finish; a scheduler should retry later'

interface LockOwner {
  readonly pid: number
  readonly host: string
  readonly command: string
  readonly started: string
}

/**
 * The workspace lock taken by a command that runs several steps (`run`: extract → validate → send →
 * accept) and passes it to each, so no other command slips in between them.
 */
export interface HeldWorkspaceLock {
  /** The state folder it locks. */
  readonly dir: string
  readonly release: () => void
}

export function holdWorkspaceLock(dir: string, command: string, onStale: (owner: LockOwner) => void = () => {}): HeldWorkspaceLock {
  const remove = acquireWorkspaceLock(dir, command, onStale)
  let held = true
  // Safe to call twice: a second call must not delete a lock another process took in between.
  const release = () => {
    if (held) remove()
    held = false
  }
  return { dir, release }
}

/**
 * One run at a time per workspace: a lock file created exclusively. A lock left by a process that no
 * longer runs on this host is stale and taken over (the caller is told, to log it).
 */
export function acquireWorkspaceLock(dir: string, command: string, onStale: (owner: LockOwner) => void = () => {}): () => void {
  makeOwnerOnlyDir(dir)
  const path = join(dir, 'lock')
  const me: LockOwner = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 })
      return () => rmSync(path, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = readOwner(path)
      if (owner && isAlive(owner)) {
        throw new ToolkitError('STATE_LOCKED', `the workspace ${dir} is busy: ${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.started})`, {
          hint: BUSY_HINT,
        })
      }
      // The file exists from the moment it is created, its owner only once written: a lock without a
      // readable owner is another process taking it right now, unless it has been so for long.
      if (!owner && isRecent(path)) {
        throw new ToolkitError('STATE_LOCKED', `the workspace ${dir} is busy: another command is taking its lock ${path} right now`, {
          hint: BUSY_HINT,
        })
      }
      if (owner) onStale(owner)
      rmSync(path, { force: true })
    }
  }
  throw new ToolkitError('STATE_LOCKED', `could not take the workspace lock ${path}`, { hint: 'retry later' })
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner
  } catch {
    return undefined
  }
}

/** Modified within the last {@link UNWRITTEN_LOCK_GRACE_MS} (false once it is gone). */
function isRecent(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < UNWRITTEN_LOCK_GRACE_MS
  } catch {
    return false
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true // another host's process cannot be checked: assume it runs
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
