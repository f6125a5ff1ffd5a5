import knexFactory, { type Knex } from 'knex'
import type { Mapping } from '../config/mapping.js'
import type { DialectName } from '../config/mapping.schema.js'
import { resolveSecrets, type SecretSources } from '../config/resolve-secrets.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import { SqliteDialect } from './dialects/sqlite-dialect.js'
import type { SourceDialect, SourceRow, StreamOptions } from './source-dialect.js'

const DIALECTS: Partial<Record<DialectName, () => SourceDialect>> = {
  sqlite: () => new SqliteDialect(),
}

export function createDialect(name: DialectName): SourceDialect {
  const make = DIALECTS[name]
  if (!make) {
    throw new ToolkitError('COMMAND_NOT_AVAILABLE', `the ${name} source is not available in this version`, {
      hint: 'use a sqlite source for now; the other databases are being added',
    })
  }
  return make()
}

/** An open connection to the billing database of a mapping: the dialect plus a knex instance. */
export interface Source {
  readonly dialect: SourceDialect
  readonly knex: Knex
  stream(sql: string, bindings: readonly unknown[], options?: StreamOptions): AsyncIterable<SourceRow>
  query(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]>
  close(): Promise<void>
}

/** Connects to the mapping's database; driver errors become `SOURCE_*` errors naming the mapping. */
export function createSource(mapping: Mapping, secrets: Omit<SecretSources, 'baseDir'>): Source {
  const dialect = createDialect(mapping.source.dialect)
  const connection = resolveSecrets(mapping.source.connection, { ...secrets, baseDir: mapping.dir }, mapping.file)
  const knex = knexFactory(dialect.createKnexConfig(connection))
  const wrap = (cause: unknown, sql: string): ToolkitError => sourceError(cause, mapping, sql)
  return {
    dialect,
    knex,
    async *stream(sql, bindings, options) {
      try {
        yield* dialect.streamRows(knex, sql, bindings, options)
      } catch (cause) {
        if (options?.signal?.aborted) throw cause
        throw wrap(cause, sql)
      }
    },
    async query(sql, bindings) {
      try {
        return await dialect.queryRows(knex, sql, bindings)
      } catch (cause) {
        throw wrap(cause, sql)
      }
    },
    close: () => knex.destroy(),
  }
}

function sourceError(cause: unknown, mapping: Mapping, sql: string): ToolkitError {
  if (cause instanceof ToolkitError) return cause
  const message = cause instanceof Error ? cause.message : String(cause)
  const connectionProblem = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|unable to open database|SQLITE_CANTOPEN|password authentication/i.test(message)
  if (connectionProblem) {
    return new ToolkitError('SOURCE_CONNECT_FAILED', `${mapping.file} source: cannot connect to the ${mapping.source.dialect} database: ${message}`, {
      cause,
      hint: 'check source.connection in the mapping and that the database is reachable from this host',
    })
  }
  return new ToolkitError('SOURCE_QUERY_FAILED', `${mapping.file}: the database refused the extract query: ${message}`, {
    cause,
    details: [`SQL: ${sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql}`],
    hint: 'a table, column or expression in the mapping does not exist in this database; `opower-extract check` prints the SQL per phase',
  })
}
