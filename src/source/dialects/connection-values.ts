import { readFileSync } from 'node:fs'
import type { ConnectionValues } from '../source-dialect.js'

/** A connection value as text (secrets are resolved to text or numbers before they get here). */
export function connectionText(connection: ConnectionValues, key: string): string | undefined {
  const value = connection[key]
  return value === undefined ? undefined : String(value)
}

export function connectionNumber(connection: ConnectionValues, key: string): number | undefined {
  const value = connection[key]
  return value === undefined ? undefined : Number(value)
}

/**
 * TLS options shared by the pg and mysql2 drivers: `ssl: true` turns TLS on with the server certificate
 * verified (against `ssl_ca` when given); `trust_server_certificate: true` is the explicit opt-in to
 * accept an unverified (self-signed) certificate.
 */
export function sslOption(connection: ConnectionValues): false | { ca?: string; rejectUnauthorized: boolean } {
  if (connection.ssl !== true) return false
  const caFile = connectionText(connection, 'ssl_ca')
  return {
    ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
    rejectUnauthorized: connection.trust_server_certificate !== true,
  }
}
