import type { CleaningPolicy } from '../writer/cleaning-policy.js'
import type { FileSpec, Layout, ServicePointIdMode } from '../spec/file-layout.js'
import type { DeliverySettings } from './delivery-settings.js'
import type { DialectName } from './mapping.schema.js'

/** Where a spec column's value comes from. `derived` columns are computed from `reads` and `usage`. */
export type ColumnSource =
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'constant'; readonly value: string }
  | { readonly kind: 'empty' }
  | { readonly kind: 'derived'; readonly from: DerivedColumn }

export const DERIVED_COLUMNS = ['usage_value', 'date_to', 'duration'] as const
export type DerivedColumn = (typeof DERIVED_COLUMNS)[number]

/** How one spec column is produced, with every default applied. */
export interface ColumnRule {
  readonly name: string
  readonly source: ColumnSource
  readonly format: 'text' | 'date' | 'decimal' | 'integer'
  readonly decimals: number | undefined
  readonly map: ReadonlyMap<string, string> | undefined
  readonly unmapped: 'reject' | 'keep' | 'default'
  readonly defaultValue: string | undefined
  readonly trim: boolean
  readonly letterCase: 'upper' | 'lower' | undefined
}

export interface Fuel {
  readonly name: string
  readonly match: readonly string[]
  readonly unit: string
  /** Source unit code → factor to `unit`, as an exact decimal string. */
  readonly units: ReadonlyMap<string, string>
  readonly ignore: ReadonlySet<string>
}

export type QuerySource =
  | {
      readonly kind: 'tables'
      readonly from: { readonly table: string; readonly as: string }
      readonly joins: readonly { readonly table: string; readonly as: string; readonly type: 'inner' | 'left'; readonly on: string }[]
      readonly where: string | undefined
    }
  | { readonly kind: 'select'; readonly select: string; readonly parameters: Readonly<Record<string, string | number>> }

/** A mapping after parsing, defaults and rules: what the rest of the toolkit works from. */
export interface Mapping {
  /** Path of the mapping file, as given, for messages. */
  readonly file: string
  /** Folder of the mapping file: relative paths in it are relative to this. */
  readonly dir: string
  readonly utility: string
  readonly timezone: string
  readonly population: string
  readonly specVersion: string
  readonly purpose: 'production' | 'demo'
  readonly launchDate: string | undefined
  readonly layout: Layout
  readonly servicePointIdInFull: ServicePointIdMode
  readonly fileSpecs: readonly FileSpec[]
  readonly output: {
    readonly folder: string
    readonly state: string
    readonly compression: 'gz' | 'zip'
    readonly maxRowsPerFile: number
    /** Full historicals: service points per chunk (0 = the whole window in one chunk). */
    readonly chunkServicePoints: number
    /** Full historicals in chunks: chunks extracted at once, each in its own worker thread (1 = one after another). */
    readonly parallelChunks: number
  }
  readonly cleaning: CleaningPolicy
  readonly maxRejects: number
  readonly allowNegativeUsage: boolean
  readonly source: {
    readonly dialect: DialectName
    /** Connection values with secret references still unresolved (resolved only when connecting). */
    readonly connection: Readonly<Record<string, string | number | boolean | undefined>>
    /** Watchdog: seconds a query may go without delivering a row before the run fails. */
    readonly stallTimeoutSeconds: number
    /** Who sorts a full historical's reads: the database (checked, with the disk as fallback) or the extract. */
    readonly sort: 'database' | 'disk'
  }
  readonly query: QuerySource
  readonly reads: {
    readonly key: string
    readonly dateTo: string
    readonly startDate: string | undefined
    readonly duration: string | undefined
    readonly startConvention: 'previous_read' | 'first_day'
    readonly version: string | undefined
    readonly versionType: 'timestamp' | 'number'
  }
  readonly usage: {
    readonly quantity: string
    readonly unit: string
    readonly fuel: string
    readonly detailKey: string | undefined
    readonly fuels: readonly Fuel[]
    readonly netMetering: 'net' | 'delivered' | 'exclude'
    readonly decimals: number
  }
  readonly changeDetection: Readonly<Record<string, { readonly timestamp?: string; readonly diff?: true }>>
  readonly incremental: {
    /** Seconds before the previous upper bound that each incremental re-reads. */
    readonly lookbackSeconds: number
    /** Seconds the upper bound stays behind the database clock. */
    readonly settleLagSeconds: number
    readonly emptyIncremental: 'header_only' | 'skip'
  }
  /** Where `send` and `run` deliver; undefined when the mapping has no `delivery` section. */
  readonly delivery: DeliverySettings | undefined
  /** Every column of every file of the layout, by name. */
  readonly columns: ReadonlyMap<string, ColumnRule>
}
