import { readFileSync } from 'node:fs'
import { ToolkitError } from '../errors/toolkit-error.js'
import { resolveMappingPath, windowsOnlyPath } from '../platform/resolve-mapping-path.js'

const REFERENCE = /^\$\{(env|file):(.+)\}$/

/** Where secret references are looked up; `cli/` passes `process.env`, tests pass their own. */
export interface SecretSources {
  readonly env: Readonly<Record<string, string | undefined>>
  /** Folder that relative `${file:…}` paths are taken from (the mapping file's folder). */
  readonly baseDir: string
}

/**
 * Resolves `${env:NAME}` and `${file:PATH}` references in connection values, at connection time only, so
 * secrets never sit in the mapping file, the state or a log. A `${file:…}` value is the file's content
 * without its final line break (LF or CRLF); Windows paths such as `${file:C:\secrets\db.txt}` and
 * `${file:..\secrets\db.txt}` work as written on Windows (see `resolveMappingPath`).
 */
export function resolveSecrets(
  values: Readonly<Record<string, string | number | boolean | undefined>>,
  sources: SecretSources,
  mappingFile: string,
  /** Where the values sit in the mapping, for messages. */
  keyPath = 'source.connection',
): Record<string, string | number | boolean | undefined> {
  const resolved: Record<string, string | number | boolean | undefined> = {}
  for (const [key, value] of Object.entries(values)) {
    resolved[key] = typeof value === 'string' ? resolveOne(`${keyPath}.${key}`, value, sources, mappingFile) : value
  }
  return resolved
}

function resolveOne(key: string, value: string, sources: SecretSources, mappingFile: string): string {
  const match = REFERENCE.exec(value)
  if (!match) return value
  const [, kind, name] = match as unknown as [string, 'env' | 'file', string]
  if (kind === 'env') {
    const found = sources.env[name]
    if (found === undefined || found === '') {
      throw new ToolkitError('MAPPING_SECRET_MISSING', `${mappingFile} ${key}: environment variable ${name} is not set`, {
        hint: `set ${name} in the environment of the job that runs opower-extract`,
      })
    }
    return found
  }
  if (windowsOnlyPath(name)) {
    throw new ToolkitError('MAPPING_SECRET_MISSING', `${mappingFile} ${key}: ${name} is a Windows path, and this machine runs ${process.platform}`, {
      hint: 'point ${file:…} at the secret file on this machine (a path relative to the mapping file works everywhere)',
    })
  }
  const path = resolveMappingPath(sources.baseDir, name)
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (cause) {
    throw new ToolkitError('MAPPING_SECRET_MISSING', `${mappingFile} ${key}: cannot read secret file ${path}`, {
      cause,
      hint: 'check the path and that the job user may read the file',
    })
  }
}
