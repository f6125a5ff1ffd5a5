import type knexFactory from 'knex'
import { createRequire } from 'node:module'
import type { Mapping } from '../config/mapping.js'
import type { DialectName } from '../config/mapping.schema.js'
import { resolveSecrets, type SecretSources } from '../config/resolve-secrets.js'
import { MssqlDialect } from './dialects/mssql-dialect.js'
import { MysqlDialect } from './dialects/mysql-dialect.js'
import { OracleDialect } from './dialects/oracle-dialect.js'
import { PostgresDialect } from './dialects/postgres-dialect.js'
import { SqliteDialect } from './dialects/sqlite-dialect.js'
import { eachRow } from '../platform/row-batches.js'
import { GuardedSession } from './guarded-session.js'
import type { SourceDialect, SourceRow, StreamOptions } from './source-dialect.js'

/**
 * knex (13 MB and a fraction of a second to load) is required when a source is created, not when this
 * module is imported: commands that never connect to the billing database do not pay for it.
 */
const requireKnex = createRequire(import.meta.url)

const DIALECTS: Record<DialectName, () => SourceDialect> = {
  sqlite: () => new SqliteDialect(),
  postgres: () => new PostgresDialect(),
  // MariaDB speaks the MySQL protocol: one dialect for both.
  mysql: () => new MysqlDialect(),
  oracle: () => new OracleDialect(),
  mssql: () => new MssqlDialect(),
}

export function createDialect(name: DialectName): SourceDialect {
  return DIALECTS[name]()
}

/**
 * knex's pool prints "Connection Error: …" when it drops a connection that a session destroyed on
 * purpose (after a stall or a lost connection), and "Acquire connection error: …" with the driver's stack
 * trace when a login fails; the run's own error (SOURCE_CONNECT_FAILED, SOURCE_ACCESS_DENIED) already says
 * what happened, without a stack trace.
 */
const KNEX_LOG = {
  warn(message: string) {
    const text = String(message)
    if (!text.startsWith('Connection Error:') && !text.startsWith('Acquire connection error:')) process.emitWarning(text, 'KnexWarning')
  },
}

/** What extract code reads through: a dialect for SQL fragments, streamed and small queries. */
export interface SourceReader {
  readonly dialect: SourceDialect
  /** Streams rows; fails with a `SOURCE_*` error (never hangs) if the database stalls or the connection drops. */
  stream(sql: string, bindings: readonly unknown[], options?: StreamOptions): AsyncIterable<SourceRow>
  /** `stream` in the batches the driver hands over (single rows where it has none), for readers of millions of rows. */
  streamBatches(sql: string, bindings: readonly unknown[], options?: StreamOptions): AsyncIterable<readonly SourceRow[]>
  query(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]>
}

/** Reads that all see one consistent, read-only state of the database, on one connection. */
export interface SourceSnapshot extends SourceReader {
  /** Ends the snapshot; after a failed or abandoned read the connection is closed instead of reused. */
  close(): Promise<void>
  /**
   * A second connection that sees exactly this snapshot, for a query to run while this one streams (the
   * reconciliation count beside the read stream); `undefined` where the database cannot share a
   * snapshot between connections. The caller closes it.
   */
  share(): Promise<SourceSnapshot | undefined>
}

/** The billing database of a mapping. Each `stream`/`query` on it runs on a connection of its own. */
export interface Source extends SourceReader {
  /** Opens a read-only snapshot for the statements of one extract (counts, streams, lookups). */
  snapshot(): Promise<SourceSnapshot>
  close(): Promise<void>
}

/** Connects to the mapping's database; driver errors become `SOURCE_*` errors naming the mapping key. */
export function createSource(mapping: Mapping, secrets: Omit<SecretSources, 'baseDir'>): Source {
  const dialect = createDialect(mapping.source.dialect)
  const connection = resolveSecrets(mapping.source.connection, { ...secrets, baseDir: mapping.dir }, mapping.file)
  const config = dialect.createKnexConfig(connection)
  const knex = (requireKnex('knex') as typeof knexFactory)({ ...config, log: KNEX_LOG })
  const open = async (snapshot: boolean, joinSnapshot?: string): Promise<GuardedSession> => GuardedSession.open(knex, dialect, mapping, { snapshot, joinSnapshot })
  const readerOf = (session: GuardedSession): SourceSnapshot => ({
    dialect,
    stream: (sql, bindings, options) => session.stream(sql, bindings, options),
    streamBatches: (sql, bindings, options) => session.streamBatches(sql, bindings, options),
    query: (sql, bindings) => session.query(sql, bindings),
    close: () => session.close(),
    async share() {
      const exportQuery = dialect.exportSnapshotQuery?.()
      if (!exportQuery) return undefined
      const [row] = await session.query(exportQuery, [])
      return readerOf(await open(true, String(row?.[0])))
    },
  })
  async function* streamBatches(sql: string, bindings: readonly unknown[], options?: StreamOptions): AsyncGenerator<readonly SourceRow[]> {
    const session = await open(false)
    try {
      yield* session.streamBatches(sql, bindings, options)
    } finally {
      await session.close()
    }
  }
  return {
    dialect,
    stream: (sql, bindings, options) => eachRow(streamBatches(sql, bindings, options)),
    streamBatches,
    async query(sql, bindings) {
      const session = await open(false)
      try {
        return await session.query(sql, bindings)
      } finally {
        await session.close()
      }
    },
    snapshot: async () => readerOf(await open(true)),
    close: () => knex.destroy(),
  }
}
