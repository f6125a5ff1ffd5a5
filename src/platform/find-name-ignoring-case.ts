import { readdir } from 'node:fs/promises'

/**
 * The name of an entry of `dir` that differs from `name` only in letter case, if there is one. Windows
 * and macOS folders, and many SFTP servers on Windows, treat such names as one file: a new file under the
 * other spelling would overwrite it there, so it is refused on every platform alike. A folder that
 * cannot be listed yields undefined: the write that follows reports the reason with the file's name.
 */
export async function findNameIgnoringCase(dir: string, name: string): Promise<string | undefined> {
  const wanted = name.toLowerCase()
  const entries = await readdir(dir).catch(() => [])
  for (const entry of entries) {
    if (entry !== name && entry.toLowerCase() === wanted) return entry
  }
  return undefined
}
