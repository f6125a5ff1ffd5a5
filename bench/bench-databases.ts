import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import knexFactory from 'knex'
import { createDemoSchema } from '../src/demo/create-demo-schema.js'
import { DEMO_SCHEMA } from '../src/demo/demo-schema.js'
import { writeSqliteDatabase } from '../src/demo/write-sqlite-database.js'
import { benchRows, teeToCopyFiles, type CopyFile } from './bench-data.js'

export const BENCH_DATABASES = ['sqlite', 'postgres'] as const
export type BenchDatabaseName = (typeof BENCH_DATABASES)[number]

/** One loaded bench database: how a mapping reaches it and how the database itself exports a query. */
export interface BenchDatabase {
  readonly name: BenchDatabaseName
  /** `source:` of the mapping. */
  readonly source: { readonly dialect: 'sqlite' | 'postgres'; readonly connection: Record<string, string | number> }
  /** A shell pipeline that writes the query's rows as tab-separated text to stdout, the database's own way. */
  exportCommand(sql: string): string
  drop(): Promise<void>
}

const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const

/**
 * Generates the demo data for `customers` customers once and loads it into every database asked for:
 * SQLite through the demo's own fast loader (prepared multi-row inserts, indexes after the load), and
 * PostgreSQL through `\copy` of text files written during the same pass, in a schema of its own.
 */
export async function loadBenchDatabases(names: readonly BenchDatabaseName[], customers: number, dir: string, log: (line: string) => void): Promise<BenchDatabase[]> {
  const copyFiles: CopyFile[] = []
  const rows = names.includes('postgres') ? teeToCopyFiles(benchRows(customers), dir, copyFiles) : benchRows(customers)
  const databases: BenchDatabase[] = []
  const started = Date.now()
  if (names.includes('sqlite')) {
    const filename = join(dir, 'billing.sqlite')
    writeSqliteDatabase(filename, DEMO_SCHEMA, rows)
    log(`sqlite: loaded ${filename} in ${seconds(started)} s`)
    databases.push({
      name: 'sqlite',
      source: { dialect: 'sqlite', connection: { filename } },
      exportCommand: (sql) => `sqlite3 -readonly -tabs ${shellQuote(filename)} ${shellQuote(sql)}`,
      drop: async () => {},
    })
  } else {
    for (const _ of rows); // the COPY files are written as the rows pass
  }
  if (names.includes('postgres')) databases.push(await loadPostgres(copyFiles, log))
  return databases
}

async function loadPostgres(files: readonly CopyFile[], log: (line: string) => void): Promise<BenchDatabase> {
  const started = Date.now()
  const schema = `oe_${randomBytes(4).toString('hex')}`
  const knex = knexFactory({ client: 'pg', connection: POSTGRES, searchPath: [schema], pool: { min: 0, max: 1 } })
  const drop = async () => {
    await knex.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await knex.destroy()
  }
  try {
    await knex.raw(`CREATE SCHEMA ${schema}`)
    await createDemoSchema(knex)
    for (const file of files) {
      psql([`\\copy ${schema}.${file.table} (${file.columns.join(', ')}) FROM ${sqlQuote(file.path)}`])
    }
    await knex.raw(`ANALYZE`)
  } catch (error) {
    await drop()
    throw error
  }
  log(`postgres: loaded schema ${schema} in ${seconds(started)} s`)
  const connection = { ...POSTGRES, schema }
  return {
    name: 'postgres',
    source: { dialect: 'postgres', connection },
    exportCommand: (sql) =>
      `PGOPTIONS=${shellQuote(`-c search_path=${schema}`)} psql -X -q -v ON_ERROR_STOP=1 -h ${POSTGRES.host} -p ${POSTGRES.port} -U ${POSTGRES.user} -d ${POSTGRES.database} -c ${shellQuote(`\\copy (${sql.replace(/\s+/g, ' ')}) TO STDOUT`)}`,
    drop,
  }
}

function psql(commands: readonly string[]): void {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', POSTGRES.host, '-p', String(POSTGRES.port), '-U', POSTGRES.user, '-d', POSTGRES.database]
  for (const command of commands) args.push('-c', command)
  const result = spawnSync('psql', args, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`psql failed (${result.status}): ${result.stderr || result.error?.message}`)
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`
}

function sqlQuote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1)
}
