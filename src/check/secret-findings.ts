import type { LoadedMapping } from '../config/load-mapping.js'
import { resolveSecrets } from '../config/resolve-secrets.js'
import { isToolkitError } from '../errors/toolkit-error.js'
import { finding, type Finding } from './check-finding.js'

/**
 * Resolves every `${env:…}` / `${file:…}` reference of the connection one by one, so that all missing
 * secrets are reported at once and each at its own line. Values are never shown.
 */
export function secretFindings(loaded: LoadedMapping, env: Readonly<Record<string, string | undefined>>): Finding[] {
  const { mapping, where } = loaded
  const findings: Finding[] = []
  let references = 0
  for (const [key, value] of Object.entries(mapping.source.connection)) {
    if (typeof value !== 'string' || !/^\$\{(env|file):/.test(value)) continue
    references++
    try {
      resolveSecrets({ [key]: value }, { env, baseDir: mapping.dir }, mapping.file)
    } catch (error) {
      if (!isToolkitError(error)) throw error
      const reason = error.message.slice(error.message.indexOf(': ') + 2)
      findings.push(finding('error', 'secrets', `${where(['source', 'connection', key])}: ${reason}`, error.hint))
    }
  }
  if (findings.length === 0 && references > 0) findings.push(finding('ok', 'secrets', `${references} secret reference${references === 1 ? '' : 's'} resolve`))
  return findings
}
