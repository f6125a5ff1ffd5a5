import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'

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
 * without its final line break; Windows paths such as `${file:C:\secrets\db.txt}` work as written.
 */
export function resolveSecrets(
  values: Readonly<Record<string, string | number | boolean | undefined>>,
  sources: SecretSources,
  mappingFile: string,
): Record<string, string | number | boolean | undefined> {
  const resolved: Record<string, string | number | boolean | undefined> = {}
  for (const [key, value] of Object.entries(values)) {
    resolved[key] = typeof value === 'string' ? resolveOne(key, value, sources, mappingFile) : value
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
      throw new ToolkitError('MAPPING_SECRET_MISSING', `${mappingFile} source.connection.${key}: environment variable ${name} is not set`, {
        hint: `set ${name} in the environment of the job that runs opower-extract`,
      })
    }
    return found
  }
  const path = isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\\\') ? name : resolve(sources.baseDir, name)
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (cause) {
    throw new ToolkitError('MAPPING_SECRET_MISSING', `${mappingFile} source.connection.${key}: cannot read secret file ${path}`, {
      cause,
      hint: 'check the path and that the job user may read the file',
    })
  }
}
