import { DEMO_SCHEMA, type DemoTableName } from './demo-schema.js'
import { DEFAULT_DEMO_OPTIONS, resolveDemoOptions, type DemoOptions } from './demo-options.js'
import { generateDemoData } from './generate-demo-data.js'
import { writeSqliteDatabase } from './write-sqlite-database.js'

/** What `createDemoDatabase` built. */
export interface DemoDatabaseInfo {
  readonly path: string
  readonly options: DemoOptions
  /** Rows per table. */
  readonly counts: Readonly<Record<DemoTableName, number>>
}

/** Options of `createDemoDatabase`: the data options (defaults: `DEFAULT_DEMO_OPTIONS`) and overwrite. */
export interface CreateDemoDatabaseOptions extends Partial<DemoOptions> {
  /** Replace an existing file (default: refuse with `USAGE_INVALID_ARGUMENT`). */
  readonly overwrite?: boolean
}

/**
 * Builds the demo billing database as a SQLite file with better-sqlite3 directly (the fast path of the
 * `demo` command). Dates are stored as TEXT `YYYY-MM-DD`, timestamps as TEXT
 * `YYYY-MM-DD HH:MM:SS.ffffff`, decimals as exact TEXT with 4 places, so every value reads back
 * exactly as generated. The same options give the same content, byte for byte.
 *
 * ```ts
 * const info = createDemoDatabase('demo/billing.sqlite', { customers: 2000, seed: 7 })
 * info.counts.ci_bseg // bill segments written
 * ```
 */
export function createDemoDatabase(path: string, options: CreateDemoDatabaseOptions = {}): DemoDatabaseInfo {
  const { overwrite, ...given } = options
  const resolved: DemoOptions = { ...DEFAULT_DEMO_OPTIONS, ...definedOnly(given) }
  // Bad options fail before anything touches the disk.
  resolveDemoOptions(resolved)
  const counts = writeSqliteDatabase(path, DEMO_SCHEMA, generateDemoData(resolved), { overwrite: overwrite ?? false })
  return { path, options: resolved, counts: counts as Record<DemoTableName, number> }
}

function definedOnly(given: Partial<DemoOptions>): Partial<DemoOptions> {
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))
}
