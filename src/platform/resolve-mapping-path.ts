import { posix, win32 } from 'node:path'

/**
 * Resolves a path written in a mapping (output folders, `columns_from`, a SQLite file, a `${file:…}`
 * secret) against the mapping file's folder, by the rules of the platform the tool runs on. On Windows
 * `C:\extract\out`, `\\server\share\out`, `..\data` and `../data` all work. Elsewhere `\` is read as a
 * folder separator too, so a relative path written on Windows (`..\data`) works unchanged; a Windows
 * absolute path means nothing there (see `windowsOnlyPath`). `platform` defaults to `process.platform`.
 */
export function resolveMappingPath(baseDir: string, written: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return win32.resolve(baseDir, written)
  return posix.resolve(baseDir, written.replaceAll('\\', '/'))
}

/**
 * True for a path that only Windows can resolve, a drive (`C:\…`, `C:/…`) or a UNC share (`\\server\…`),
 * when the tool runs elsewhere: a mapping copied from a Windows server must be told, not have the path
 * taken as a folder named `C:\extract\out` under the mapping's folder.
 */
export function windowsOnlyPath(written: string, platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32' && (/^[A-Za-z]:[\\/]/.test(written) || written.startsWith('\\\\'))
}
