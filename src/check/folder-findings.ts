import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { LoadedMapping } from '../config/load-mapping.js'
import { finding, type Finding } from './check-finding.js'

/** The output and state folders can be written (or created) by the user running `check`. */
export function folderFindings(loaded: LoadedMapping): Finding[] {
  const { mapping, where } = loaded
  const folders: [path: string, key: string[], what: string][] = [
    [mapping.output.folder, ['output', 'folder'], 'output folder'],
    [mapping.output.state, loaded.written.output.state ? ['output', 'state'] : ['output'], 'state folder'],
  ]
  return folders.map(([path, key, what]) => {
    const existing = nearestExisting(path)
    const creates = existing !== path ? ` (${path} will be created)` : ''
    if (!statSync(existing).isDirectory()) return finding('error', 'folders', `${where(key)}: the ${what} ${existing} is a file, not a folder`)
    try {
      accessSync(existing, constants.W_OK | constants.X_OK)
      return finding('ok', 'folders', `${what} ${existing} is writable${creates}`)
    } catch {
      return finding('error', 'folders', `${where(key)}: the ${what} ${existing} is not writable by this user${creates}`, 'choose another folder or change its permissions')
    }
  })
}

function nearestExisting(path: string): string {
  let current = path
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current)
  return current
}
