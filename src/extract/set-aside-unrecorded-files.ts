import { readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import type { Mapping } from '../config/mapping.js'
import type { StateStore } from '../state/state-store.js'
import { parseFileName } from '../writer/file-name.js'

/** What a set-aside file is renamed to: a name no `opwr_*.gz` / `opwr_*.zip` pick-up matches. */
export const UNRECORDED_SUFFIX = '.unrecorded'

/**
 * Renames the spec files an extract killed between the final rename and the state commit left in its
 * output folder: complete and valid, but no run records them, so `send --pending` never sends them while
 * a job watching the folder would, and the rerun writes the same data again under a later timestamp.
 * Call it under the workspace lock, before the extract writes. Only regular files named by this mapping
 * (its utility and population), unknown to the state and newer than every file the state records (a
 * killed run of this workspace always stamps after those), so another workspace's older files sharing the
 * folder are never touched. Logs one warning per file; returns the names set aside.
 */
export function setAsideUnrecordedFiles(
  dir: string,
  mapping: Pick<Mapping, 'utility' | 'population'>,
  state: StateStore,
  log: (line: string) => void,
): string[] {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
  const lastRecorded = state.lastFileTimestamp() ?? ''
  const setAside: string[] = []
  for (const entry of entries) {
    const parts = parseFileName(entry.name)
    if (!entry.isFile() || parts === null) continue
    if (parts.utility !== mapping.utility || parts.population !== mapping.population) continue
    if (parts.timestamp <= lastRecorded || state.fileByName(entry.name) !== undefined) continue
    const target = `${entry.name}${UNRECORDED_SUFFIX}`
    renameSync(join(dir, entry.name), join(dir, target))
    log(
      `warning: renamed ${entry.name} in ${dir} to ${target}: an earlier extract stopped before recording it, so ` +
        `no run delivers it (this extract writes its data anew); check it, then delete it`,
    )
    setAside.push(entry.name)
  }
  return setAside
}
