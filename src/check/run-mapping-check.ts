import { loadMapping, type LoadedMapping } from '../config/load-mapping.js'
import { resolveSecrets } from '../config/resolve-secrets.js'
import { isToolkitError } from '../errors/toolkit-error.js'
import { compactDate } from '../extract/calendar-date.js'
import { historicalWindow, type HistoricalWindow } from '../extract/extract-window.js'
import { createDialect, createSource, type Source } from '../source/create-source.js'
import type { SourceDialect } from '../source/source-dialect.js'
import { finding, type Finding } from './check-finding.js'
import { clockFindings } from './clock-findings.js'
import { deliveryFindings } from './delivery-findings.js'
import { entityFindings } from './entity-findings.js'
import { folderFindings } from './folder-findings.js'
import { indexFindings } from './index-findings.js'
import { describePhaseSql } from './phase-sql.js'
import { previewRows } from './preview-rows.js'
import { secretFindings } from './secret-findings.js'
import { valueCoverageFindings } from './value-coverage-findings.js'

export interface MappingCheckOptions {
  readonly mappingFile: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Last day of the window the live checks look at (default: today in the utility's zone). */
  readonly endDate?: string
  /** Reads to preview (0: none). */
  readonly preview: number
  readonly now?: () => Date
}

export interface MappingCheckReport {
  readonly loaded: LoadedMapping
  readonly window: HistoricalWindow
  readonly preview: readonly string[]
  readonly phaseSql: readonly string[]
  readonly findings: readonly Finding[]
}

/**
 * Everything `check` looks at, in order: the mapping (schema and rules: a broken mapping throws
 * MAPPING_INVALID with every problem), what incrementals need of it, secrets, then, connected, a preview,
 * the value coverage and the doctor findings (clock, time zone, indexes, driver), the folders and the
 * delivery. Live problems become findings rather than exceptions, so one run reports all of them.
 */
export async function runMappingCheck(options: MappingCheckOptions): Promise<MappingCheckReport> {
  const now = options.now ?? (() => new Date())
  const loaded = loadMapping(options.mappingFile)
  const { mapping } = loaded
  const findings: Finding[] = [
    finding('ok', 'mapping', `schema and rules pass (${mapping.layout} layout, ${mapping.columns.size} columns, ${mapping.fileSpecs.map((spec) => spec.fileType).join(' + ')} file)`),
    ...loaded.warnings.map((warning) => finding('warning', 'mapping', warning)),
    ...entityFindings(loaded),
  ]
  const window = checkWindow(loaded, options.endDate ?? todayIn(mapping.timezone, now()))
  const filter = { from: window.from, toExclusive: window.toExclusive }

  let dialect: SourceDialect | undefined
  try {
    dialect = createDialect(mapping.source.dialect)
  } catch (error) {
    if (!isToolkitError(error)) throw error
    findings.push(finding('error', 'source', `${loaded.where(['source', 'dialect'])}: ${error.message}; nothing was checked against the database`, error.hint))
  }
  const phaseSql = dialect ? describePhaseSql(mapping, dialect, window) : []
  const secrets = secretFindings(loaded, options.env)
  findings.push(...secrets)

  let preview: string[] = []
  if (dialect && !secrets.some((f) => f.severity === 'error')) {
    findings.push(driverFinding(loaded, dialect, options.env))
    const source = createSource(mapping, { env: options.env })
    try {
      findings.push(...(await clockFindings(mapping, source, now)))
      if (options.preview > 0) {
        const rows = await previewRows(mapping, source, filter, options.preview, compactDate(window.end))
        preview = rows.lines
        findings.push(...rows.findings)
      }
      findings.push(...(await valueCoverageFindings(loaded, source, filter)))
      findings.push(...(await indexFindings(loaded, source)))
    } catch (error) {
      if (!isToolkitError(error)) throw error
      findings.push(finding('error', 'source', [error.message, ...error.details].join('\n'), error.hint))
    } finally {
      await closeQuietly(source)
    }
  }
  findings.push(...folderFindings(loaded))
  findings.push(...(await deliveryFindings(mapping, options.env)))
  return { loaded, window, preview, phaseSql, findings }
}

/** The historical window of a full extract ending on `endDate`, falling back when launch_date is later. */
function checkWindow(loaded: LoadedMapping, endDate: string): HistoricalWindow {
  try {
    return historicalWindow({ endDate, from: undefined, launchDate: loaded.mapping.launchDate })
  } catch {
    return historicalWindow({ endDate, from: undefined, launchDate: undefined })
  }
}

function driverFinding(loaded: LoadedMapping, dialect: SourceDialect, env: Readonly<Record<string, string | undefined>>): Finding {
  const { mapping } = loaded
  const connection = resolveSecrets(mapping.source.connection, { env, baseDir: mapping.dir }, mapping.file)
  const config = dialect.createKnexConfig(connection)
  // A dialect may hand knex its own client class; knex client classes name their driver.
  const client = typeof config.client === 'string' ? config.client : ((config.client as { prototype?: { driverName?: string } } | undefined)?.prototype?.driverName ?? 'its own knex client')
  const mode = connection.thick === true ? ', thick mode (Oracle Client libraries)' : connection.thick === false || client === 'oracledb' ? ', thin mode' : ''
  return finding('info', 'driver', `${mapping.source.dialect} through ${client}${mode}`)
}

async function closeQuietly(source: Source): Promise<void> {
  try {
    await source.close()
  } catch {
    // The findings already say what failed; a failing close adds nothing the user can act on.
  }
}

function todayIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}
