import { dirname, resolve } from 'node:path'
import { resolveMappingPath } from '../platform/resolve-mapping-path.js'
import { fileSpecsOf, type FileType } from '../spec/file-layout.js'
import { normalizeDelivery } from './delivery-settings.js'
import { DERIVED_COLUMNS, type ColumnRule, type ColumnSource, type DerivedColumn, type Mapping } from './mapping.js'
import type { WrittenColumn, WrittenMapping } from './mapping.schema.js'

/** Applies defaults to the keys the author left out; the author's own values are kept as written. */
export function normalizeMapping(
  written: WrittenMapping,
  file: string,
  templateHeaders: Partial<Record<FileType, readonly string[]>>,
): Mapping {
  const dir = dirname(resolve(file))
  const servicePointIdInFull = written.full_layout_service_point_id ?? 'once'
  const fileSpecs = fileSpecsOf(written.layout, { servicePointIdInFull, templateHeaders })
  const folder = resolveMappingPath(dir, written.output.folder)
  const columns = new Map<string, ColumnRule>()
  for (const spec of fileSpecs) {
    for (const column of spec.columns) {
      if (columns.has(column.name)) continue
      columns.set(column.name, columnRule(column.name, written.columns[column.name]))
    }
  }
  const connection: Record<string, string | number | boolean | undefined> = { ...written.source.connection }
  if (typeof connection.filename === 'string') connection.filename = resolveMappingPath(dir, connection.filename)
  if (typeof connection.ssl_ca === 'string') connection.ssl_ca = resolveMappingPath(dir, connection.ssl_ca)
  for (const key of ['config_dir', 'wallet_location', 'lib_dir'] as const) {
    if (typeof connection[key] === 'string') connection[key] = resolveMappingPath(dir, connection[key])
  }

  return {
    file,
    dir,
    utility: written.utility,
    timezone: written.timezone,
    population: written.population ?? 'res',
    specVersion: written.spec_version ?? 'v1-19-0',
    purpose: written.purpose ?? 'production',
    launchDate: written.launch_date,
    layout: written.layout,
    servicePointIdInFull,
    fileSpecs,
    output: {
      folder,
      state: written.output.state ? resolveMappingPath(dir, written.output.state) : resolve(folder, '..', 'state'),
      compression: written.output.compression ?? 'gz',
      maxRowsPerFile: written.output.max_rows_per_file ?? 0,
      chunkServicePoints: written.output.chunk_service_points ?? DEFAULT_CHUNK_SERVICE_POINTS,
      parallelChunks: written.output.parallel_chunks ?? 1,
    },
    cleaning: {
      tab: written.cleaning?.tab ?? 'space',
      line_break: written.cleaning?.line_break ?? 'space',
      nul: written.cleaning?.nul ?? 'remove',
    },
    maxRejects: written.max_rejects ?? 0,
    allowNegativeUsage: written.allow_negative_usage ?? false,
    source: { dialect: written.source.dialect, connection, stallTimeoutSeconds: seconds(written.source.stall_timeout ?? '10m'), sort: written.source.sort ?? 'database' },
    query: written.select
      ? { kind: 'select', select: written.select, parameters: written.parameters ?? {} }
      : {
          kind: 'tables',
          from: written.from ?? { table: '', as: '' },
          joins: (written.joins ?? []).map((join) => ({ ...join, type: join.type ?? 'inner' })),
          where: written.where,
        },
    reads: {
      key: written.reads.key,
      dateTo: written.reads.date_to,
      startDate: written.reads.start_date,
      duration: written.reads.duration,
      startConvention: written.reads.start_convention ?? 'previous_read',
      version: written.reads.version,
      versionType: written.reads.version_type ?? 'timestamp',
    },
    usage: {
      quantity: written.usage.quantity,
      unit: written.usage.unit,
      fuel: written.usage.fuel,
      detailKey: written.usage.detail_key,
      fuels: Object.entries(written.usage.fuels).map(([name, fuel]) => ({
        name,
        match: fuel.match,
        unit: fuel.unit,
        units: new Map(Object.entries(fuel.units).map(([code, factor]) => [code, String(factor)])),
        ignore: new Set(fuel.ignore ?? []),
      })),
      netMetering: written.usage.net_metering ?? 'net',
      decimals: written.usage.decimals ?? 3,
    },
    changeDetection: written.change_detection ?? {},
    incremental: {
      lookbackSeconds: seconds(written.incremental?.lookback ?? '1d'),
      settleLagSeconds: seconds(written.incremental?.settle_lag ?? '10m'),
      emptyIncremental: written.incremental?.empty_incremental ?? 'header_only',
    },
    delivery: written.delivery ? normalizeDelivery(written.delivery, dir, folder) : undefined,
    columns,
  }
}

/**
 * Service points per chunk of a full historical: big enough that the demo and most utilities run in one
 * chunk, small enough that a 100-million-read historical keeps each snapshot to tens of minutes.
 */
export const DEFAULT_CHUNK_SERVICE_POINTS = 0

const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** `30m` → 1800 (the schema already checked the form). */
function seconds(text: string): number {
  return Number(text.slice(0, -1)) * SECONDS_PER_UNIT[text.slice(-1)]!
}

function columnRule(name: string, written: WrittenColumn | undefined): ColumnRule {
  const derived = (DERIVED_COLUMNS as readonly string[]).includes(name)
  const source: ColumnSource = derived
    ? { kind: 'derived', from: name as DerivedColumn }
    : written?.sql !== undefined
      ? { kind: 'sql', sql: written.sql }
      : written?.constant !== undefined
        ? { kind: 'constant', value: written.constant }
        : { kind: 'empty' }
  return {
    name,
    source,
    format: written?.format ?? 'text',
    decimals: written?.decimals,
    map: written?.map ? new Map(Object.entries(written.map)) : undefined,
    unmapped: written?.unmapped ?? 'reject',
    defaultValue: written?.default,
    trim: written?.trim ?? true,
    letterCase: written?.case,
  }
}
