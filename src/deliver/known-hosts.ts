import { createHmac } from 'node:crypto'

/** One usable line of a known_hosts file: the host patterns and the key blob it pins. */
interface KnownHostLine {
  readonly revoked: boolean
  readonly hostPatterns: string
  readonly keyBlob: Buffer
}

/** What a known_hosts file says about a server key. */
export type KnownHostVerdict = 'match' | 'revoked' | 'changed' | 'unknown'

/**
 * Looks a server's key up in known_hosts text the way OpenSSH does for plain keys: host names and
 * `[host]:port` entries, comma lists, `*`/`?` wildcards, `!` negations, hashed (`|1|salt|hash`) entries
 * and `@revoked` markers. `@cert-authority` lines are not supported and ignored (pin the host key instead).
 * `changed` means the file knows this host under another key: possibly an interception.
 */
export function checkKnownHosts(text: string, host: string, port: number, keyBlob: Buffer): KnownHostVerdict {
  const name = port === 22 ? host : `[${host}]:${port}`
  let knowsHost = false
  for (const line of parseKnownHosts(text)) {
    if (!hostMatches(line.hostPatterns, name)) continue
    if (line.keyBlob.equals(keyBlob)) return line.revoked ? 'revoked' : 'match'
    if (!line.revoked) knowsHost = true
  }
  return knowsHost ? 'changed' : 'unknown'
}

function parseKnownHosts(text: string): KnownHostLine[] {
  const lines: KnownHostLine[] = []
  for (const raw of text.split(/\r?\n/)) {
    const fields = raw.trim().split(/\s+/)
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined
    if (marker === '@cert-authority') continue
    const [hostPatterns, keyType, key] = fields
    if (!hostPatterns || !keyType || !key) continue
    lines.push({ revoked: marker === '@revoked', hostPatterns, keyBlob: Buffer.from(key, 'base64') })
  }
  return lines
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|')
    if (!salt || !hash) return false
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
  }
  let matched = false
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!')
    if (!wildcard(negated ? pattern.slice(1) : pattern).test(name)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

function wildcard(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 'i')
}
