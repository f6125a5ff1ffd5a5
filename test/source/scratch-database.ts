import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import knexFactory, { type Knex } from 'knex'
import type { DialectName } from '../../src/config/mapping.schema.js'

/** The live databases of the shared suite: SQLite files, and the PostgreSQL and MariaDB services. */
export const TARGETS = ['sqlite', 'postgres', 'mariadb'] as const
export type TargetName = (typeof TARGETS)[number]

/**
 * Databases the developer chose to leave out with OPOWER_TEST_SKIP_DATABASES=postgres,mariadb. Never
 * silent: every skip is printed in capitals on stderr, and CI never sets the variable.
 */
export function skippedTargets(): ReadonlySet<TargetName> {
  const names = (process.env['OPOWER_TEST_SKIP_DATABASES'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
  for (const name of names) {
    if (!(TARGETS as readonly string[]).includes(name)) throw new Error(`OPOWER_TEST_SKIP_DATABASES: unknown database "${name}" (known: ${TARGETS.join(', ')})`)
  }
  if (names.length > 0) console.error(`\n!!! SKIPPING DATABASES ${names.join(', ').toUpperCase()} (OPOWER_TEST_SKIP_DATABASES is set): their results are NOT tested !!!\n`)
  return new Set(names as TargetName[])
}

/** One empty database of its own (a PostgreSQL schema, a MariaDB database, a SQLite file), dropped by `drop`. */
export interface ScratchDatabase {
  readonly target: TargetName
  readonly dialect: DialectName
  /** `source.connection` of a mapping that reads it. */
  readonly connection: Record<string, string | number>
  /** A read-write knex on it, to create and fill tables. */
  readonly knex: Knex
  /** Runs SQL as the administrator of the server (PostgreSQL, MariaDB), e.g. to kill a session. */
  admin(sql: string, bindings?: readonly unknown[]): Promise<unknown>
  drop(): Promise<void>
}

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const

export async function createScratchDatabase(target: TargetName, dir: string): Promise<ScratchDatabase> {
  const name = `oe_${randomBytes(4).toString('hex')}`
  switch (target) {
    case 'sqlite': {
      const filename = join(dir, `${name}.sqlite`)
      const knex = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true })
      return {
        target,
        dialect: 'sqlite',
        connection: { filename },
        knex,
        admin: () => Promise.reject(new Error('sqlite has no server')),
        drop: () => knex.destroy(),
      }
    }
    case 'postgres': {
      const admin = knexFactory({ client: 'pg', connection: { ...POSTGRES }, pool: { min: 0, max: 2 } })
      await admin.raw(`CREATE SCHEMA ${name}`)
      const knex = knexFactory({ client: 'pg', connection: { ...POSTGRES }, searchPath: [name], pool: { min: 0, max: 2 } })
      return {
        target,
        dialect: 'postgres',
        connection: { ...POSTGRES, schema: name },
        knex,
        admin: (sql, bindings = []) => admin.raw(sql, bindings as Knex.RawBinding[]),
        async drop() {
          await knex.destroy()
          await admin.raw(`DROP SCHEMA ${name} CASCADE`)
          await admin.destroy()
        },
      }
    }
    case 'mariadb': {
      const admin = knexFactory({ client: 'mysql2', connection: { ...MARIADB }, pool: { min: 0, max: 2 } })
      await admin.raw(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
      const connection = { ...MARIADB, database: name }
      const knex = knexFactory({ client: 'mysql2', connection: { ...connection, charset: 'utf8mb4' }, pool: { min: 0, max: 2 } })
      return {
        target,
        dialect: 'mysql',
        connection,
        knex,
        admin: (sql, bindings = []) => admin.raw(sql, bindings as Knex.RawBinding[]),
        async drop() {
          await knex.destroy()
          await admin.raw(`DROP DATABASE ${name}`)
          await admin.destroy()
        },
      }
    }
  }
}
