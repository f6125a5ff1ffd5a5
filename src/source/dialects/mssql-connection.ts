import type { Knex } from 'knex'
import { ToolkitError } from '../../errors/toolkit-error.js'
import type { ConnectionValues } from '../source-dialect.js'
import { connectionNumber, connectionText } from './connection-values.js'

/** How an extract session reads: SNAPSHOT (one consistent view) or plain READ COMMITTED, chosen by the mapping. */
export const MSSQL_ISOLATIONS = ['snapshot', 'read_committed'] as const
export type MssqlIsolation = (typeof MSSQL_ISOLATIONS)[number]

export function mssqlIsolation(connection: ConnectionValues): MssqlIsolation {
  return connection.isolation === 'read_committed' ? 'read_committed' : 'snapshot'
}

/**
 * knex configuration for SQL Server (knex drives tedious directly). Every setting whose default hurts an
 * extract is written out: encryption on with the certificate verified (knex's own default is
 * `encrypt: false`), no request timeout (tedious cancels a query whose first row takes longer than 15 s
 * by default; a long stream is watched by the no-progress watchdog instead), explicit connect and cancel
 * timeouts, UTC date semantics, and no row collection (it buffers whole results). `domain` switches to
 * NTLM (Windows) authentication.
 */
export function mssqlKnexConfig(connection: ConnectionValues): Knex.Config {
  const host = connectionText(connection, 'host')
  if (!host) {
    throw new ToolkitError('MAPPING_INVALID', 'source.connection.host is required for an mssql source', {
      hint: 'write the server name (dbhost or dbhost.example.com), with port or instance_name when it is not the default instance on 1433',
    })
  }
  const domain = connectionText(connection, 'domain')
  const instanceName = connectionText(connection, 'instance_name')
  const requestTimeoutSeconds = connectionNumber(connection, 'request_timeout') ?? 0
  return {
    client: 'mssql',
    connection: {
      server: host,
      ...(instanceName ? {} : { port: connectionNumber(connection, 'port') ?? 1433 }),
      database: connectionText(connection, 'database'),
      user: connectionText(connection, 'user'),
      password: connectionText(connection, 'password'),
      ...(domain ? { type: 'ntlm', domain } : {}),
      options: {
        encrypt: connection.encrypt !== false,
        trustServerCertificate: connection.trust_server_certificate === true,
        ...(instanceName ? { instanceName } : {}),
        readOnlyIntent: connection.read_only_intent === true,
        connectTimeout: (connectionNumber(connection, 'connect_timeout') ?? 30) * 1000,
        requestTimeout: requestTimeoutSeconds * 1000,
        cancelTimeout: 5000,
        useUTC: true,
        rowCollectionOnDone: false,
        rowCollectionOnRequestCompletion: false,
        useColumnNames: false,
        // Fixed so date text in SQL (CONVERT styles) never depends on the login's language.
        language: 'us_english',
        dateFormat: 'ymd',
        appName: 'opower-extract',
      },
    } as Knex.MsSqlConnectionConfig,
    pool: { min: 0, max: 4 },
    acquireConnectionTimeout: 60_000,
  }
}
