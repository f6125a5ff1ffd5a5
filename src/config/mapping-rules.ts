import { windowsOnlyPath } from '../platform/resolve-mapping-path.js'
import { KNOWN_COLUMN_NAMES } from '../spec/legacy-billing-v1.js'
import { sqlUsesDeclaredAliases } from './declared-aliases-rule.js'
import { didYouMean } from './did-you-mean.js'
import { DERIVED_COLUMNS, type Mapping } from './mapping.js'
import type { WrittenMapping } from './mapping.schema.js'

/** What a rule sees, and where it reports. Paths are YAML key paths, turned into file:line by the loader. */
export interface MappingContext {
  readonly written: WrittenMapping
  readonly mapping: Mapping
  error(path: readonly PropertyKey[], message: string, hint?: string): void
  warning(path: readonly PropertyKey[], message: string, hint?: string): void
}

/**
 * One semantic check of a mapping. Rules push every problem they find; the loader reports all at once.
 *
 * ```ts
 * export const utilityIsLowerCase: MappingRule = ({ written, error }) => {
 *   if (written.utility !== written.utility.toLowerCase()) error(['utility'], 'must be lower case')
 * }
 * ```
 */
export type MappingRule = (ctx: MappingContext) => void

const timezoneExists: MappingRule = ({ written, error }) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: written.timezone })
  } catch {
    const suggestion = didYouMean(written.timezone, Intl.supportedValuesOf('timeZone'))
    error(
      ['timezone'],
      `"${written.timezone}" is not an IANA time zone`,
      suggestion ? `did you mean "${suggestion}"?` : 'write it like America/Chicago or Europe/Paris',
    )
  }
}

const everySpecColumnIsMapped: MappingRule = ({ written, mapping, error }) => {
  for (const rule of mapping.columns.values()) {
    if (rule.source.kind === 'derived') continue
    const own = written.columns[rule.name]
    if (!own) {
      error(['columns'], `spec column "${rule.name}" is not mapped`, `add columns.${rule.name} with sql, constant or empty: true`)
      continue
    }
    const ways = [own.sql, own.constant, own.empty].filter((way) => way !== undefined).length
    if (ways !== 1) {
      error(['columns', rule.name], `give exactly one of sql, constant or empty (found ${ways})`)
    }
  }
}

const requiredColumnsAreNotEmpty: MappingRule = ({ mapping, written, error }) => {
  for (const spec of mapping.fileSpecs) {
    for (const column of spec.columns) {
      const own = written.columns[column.name]
      if (!column.required || !own) continue
      if (own.empty || own.constant === '') {
        error(['columns', column.name], `"${column.name}" is required by the spec and cannot be empty`)
      }
    }
  }
}

const noUnknownColumns: MappingRule = ({ written, mapping, error }) => {
  for (const name of Object.keys(written.columns)) {
    if (mapping.columns.has(name) && !(DERIVED_COLUMNS as readonly string[]).includes(name)) continue
    if ((DERIVED_COLUMNS as readonly string[]).includes(name)) {
      error(['columns', name], `"${name}" is computed from reads/usage and cannot be mapped`, `remove columns.${name}`)
      continue
    }
    const suggestion = didYouMean(name, [...mapping.columns.keys(), ...KNOWN_COLUMN_NAMES])
    error(
      ['columns', name],
      `"${name}" is not a column of the ${mapping.layout} layout`,
      suggestion ? `did you mean "${suggestion}"?` : 'only spec columns (or the template header\'s) can be mapped',
    )
  }
}

const provisionalColumnsNeedConfirmation: MappingRule = ({ mapping, error }) => {
  if (mapping.purpose === 'demo') return
  for (const spec of mapping.fileSpecs) {
    const unconfirmed = spec.columns.filter((column) => column.status === 'provisional' || column.status === 'name_only')
    if (unconfirmed.length === 0) continue
    error(
      ['columns_from'],
      `the ${spec.fileType} file would carry columns the public spec does not fully confirm: ${unconfirmed.map((c) => c.name).join(', ')}`,
      "set columns_from to the Delivery Team's template file, whose header confirms the real column list",
    )
  }
}

const oneQuerySource: MappingRule = ({ written, error }) => {
  if (written.select && (written.from || written.joins || written.where)) {
    error(['select'], 'select replaces from, joins and where: give one or the other')
  }
  if (!written.select && !written.from) error([], 'no query: give from (with joins and where) or select')
  if (written.parameters && !written.select) error(['parameters'], 'parameters are only used by select')
}

const oneReadPeriod: MappingRule = ({ written, error }) => {
  const given = [written.reads.start_date, written.reads.duration].filter((x) => x !== undefined).length
  if (given !== 1) error(['reads'], 'give exactly one of reads.start_date and reads.duration')
}

const singleLayoutSaysServicePointMode: MappingRule = ({ written, error }) => {
  if (written.layout === 'single' && !written.full_layout_service_point_id && !written.columns_from) {
    error(
      ['layout'],
      'the spec does not say whether the full file carries service_point_id once or twice',
      "set full_layout_service_point_id: once | twice as agreed with the Delivery Team (or columns_from their template)",
    )
  }
}

/** knex and oracledb treat "?" as a placeholder even inside literals (DRIVER-NOTES R16). */
const noQuestionMarkInSql: MappingRule = ({ written, error }) => {
  const check = (path: PropertyKey[], text: string | undefined) => {
    if (text?.includes('?')) error(path, 'SQL text may not contain "?" (it is read as a bind placeholder)', 'use CHR(63) or a parameter')
  }
  check(['where'], written.where)
  check(['select'], written.select)
  for (const [index, join] of (written.joins ?? []).entries()) check(['joins', index, 'on'], join.on)
  for (const [key, value] of Object.entries(written.reads)) if (typeof value === 'string') check(['reads', key], value)
  for (const key of ['quantity', 'unit', 'fuel', 'detail_key'] as const) check(['usage', key], written.usage[key])
  for (const [name, column] of Object.entries(written.columns)) check(['columns', name, 'sql'], column.sql)
}

const columnOptionsFit: MappingRule = ({ written, error }) => {
  for (const [name, column] of Object.entries(written.columns)) {
    if (column.format === 'date' && column.sql === undefined) {
      error(['columns', name, 'format'], 'format: date converts in SQL and needs sql')
    }
    if (column.unmapped === 'default' && column.default === undefined) {
      error(['columns', name, 'unmapped'], 'unmapped: default needs a default value')
    }
    if (column.decimals !== undefined && column.format !== 'decimal') {
      error(['columns', name, 'decimals'], 'decimals applies to format: decimal')
    }
  }
}

const fuelsAreConsistent: MappingRule = ({ written, error }) => {
  const seen = new Map<string, string>()
  for (const [name, fuel] of Object.entries(written.usage.fuels)) {
    for (const value of fuel.match) {
      const other = seen.get(value)
      if (other) error(['usage', 'fuels', name, 'match'], `"${value}" already belongs to fuel ${other}`)
      seen.set(value, name)
    }
    for (const [code, factor] of Object.entries(fuel.units)) {
      if (!/^\d+(\.\d+)?$/.test(String(factor)) || Number(factor) <= 0) {
        error(['usage', 'fuels', name, 'units', code], `factor ${factor} is not a positive decimal`)
      }
    }
  }
  if (Object.keys(written.usage.fuels).length === 0) error(['usage', 'fuels'], 'declare at least one fuel')
}

/** A mapping copied from a Windows server keeps its `C:\…` paths; elsewhere they would become odd folder names. */
const pathsFitThisMachine: MappingRule = ({ written, error }) => {
  const paths: [PropertyKey[], unknown][] = [
    [['output', 'folder'], written.output.folder],
    [['output', 'state'], written.output.state],
    [['source', 'connection', 'filename'], written.source.connection.filename],
    [['delivery', 'archive'], written.delivery?.archive],
    [['delivery', 'local', 'folder'], written.delivery?.local?.folder],
    [['delivery', 'sftp', 'known_hosts'], written.delivery?.sftp?.known_hosts],
  ]
  for (const [path, value] of paths) {
    if (typeof value === 'string' && windowsOnlyPath(value)) {
      error(path, `"${value}" is a Windows path, and this machine runs ${process.platform}`, 'write a path of this machine, or one relative to the mapping file (\\ and / both work as separators)')
    }
  }
}

const connectionFitsDialect: MappingRule = ({ written, error }) => {
  const { dialect, connection } = written.source
  if (dialect === 'sqlite' && !connection.filename) error(['source', 'connection'], 'sqlite needs filename')
  if (dialect === 'oracle' && !connection.connect_string) error(['source', 'connection'], 'oracle needs connect_string')
  if ((dialect === 'postgres' || dialect === 'mysql' || dialect === 'mssql') && !connection.host) {
    error(['source', 'connection'], `${dialect} needs host`)
  }
  if (typeof connection.password === 'string' && connection.password !== '' && !/^\$\{(env|file):.+\}$/.test(connection.password)) {
    error(['source', 'connection', 'password'], 'a password is written in the mapping file', 'use ${env:NAME} or ${file:PATH}')
  }
}

export const MAPPING_RULES: readonly MappingRule[] = [
  timezoneExists,
  everySpecColumnIsMapped,
  requiredColumnsAreNotEmpty,
  noUnknownColumns,
  provisionalColumnsNeedConfirmation,
  oneQuerySource,
  oneReadPeriod,
  singleLayoutSaysServicePointMode,
  noQuestionMarkInSql,
  columnOptionsFit,
  fuelsAreConsistent,
  connectionFitsDialect,
  sqlUsesDeclaredAliases,
  pathsFitThisMachine,
]
