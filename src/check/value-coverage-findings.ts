import type { LoadedMapping } from '../config/load-mapping.js'
import type { ColumnRule } from '../config/mapping.js'
import { mapColumnValue } from '../extract/map-column-value.js'
import { buildReadQuery, type ReadFilter, type ReadQuery } from '../extract/read-query.js'
import type { Source } from '../source/create-source.js'
import type { SpecColumn } from '../spec/spec-column.js'
import { finding, type Finding } from './check-finding.js'

/** Values shown per finding: enough to fix a map, short enough to read. */
const SHOWN = 8

interface ValueCount {
  readonly value: string | null
  readonly rows: number
}

/**
 * Compares value maps, enum columns and usage fuels/units with the distinct values really in the source
 * (over the check window), so a value-map hole is found before a run rejects rows. Only columns with a map
 * or a closed set of spec values are looked at: those hold codes, not personal data.
 */
export async function valueCoverageFindings(loaded: LoadedMapping, source: Source, filter: ReadFilter): Promise<Finding[]> {
  const { mapping } = loaded
  const query = buildReadQuery(mapping, source.dialect, filter)
  const findings: Finding[] = []
  for (const rule of mapping.columns.values()) {
    const field = query.fields.columns.get(rule.name)
    const spec = specColumn(loaded, rule.name)
    if (field === undefined || (!rule.map && spec?.kind !== 'enum')) continue
    const counts = await countValues(source, query, [field])
    findings.push(columnCoverage(loaded, rule, spec, counts.map(({ values, rows }) => ({ value: values[0] ?? null, rows }))))
  }
  findings.push(...(await usageCoverage(loaded, source, query)))
  return findings
}

function columnCoverage(loaded: LoadedMapping, rule: ColumnRule, spec: SpecColumn | undefined, counts: readonly ValueCount[]): Finding {
  const { where } = loaded
  const holes: ValueCount[] = []
  const invalid: (ValueCount & { written: string })[] = []
  const emptyRequired: ValueCount[] = []
  for (const count of counts) {
    const mapped = mapColumnValue(rule, count.value)
    if (!mapped.ok) holes.push(count)
    else if (mapped.value === '' && spec?.required) emptyRequired.push(count)
    else if (mapped.value !== '' && spec?.allowedValues && !spec.allowedValues.includes(mapped.value)) invalid.push({ ...count, written: mapped.value })
  }
  const path = rule.map ? ['columns', rule.name, 'map'] : ['columns', rule.name]
  if (holes.length) {
    return finding(
      'error',
      'values',
      `${where(path)}: source values missing from the map (their rows would be rejected): ${listed(holes)}`,
      `add them to columns.${rule.name}.map, or set unmapped: default with a default`,
    )
  }
  if (invalid.length) {
    return finding(
      'error',
      'values',
      `${where(path)}: would write values the spec does not allow in ${rule.name} (allowed: ${spec?.allowedValues?.join(', ')}): ${invalid.map((v) => `"${shown(v.value)}" → "${v.written}" (${v.rows} rows)`).join(', ')}`,
      rule.map ? `map them to an allowed value` : `add columns.${rule.name}.map`,
    )
  }
  if (emptyRequired.length) {
    return finding('error', 'values', `${where(path)}: ${rule.name} is required but ${emptyRequired.reduce((n, v) => n + v.rows, 0)} rows are empty`, `give columns.${rule.name}.default`)
  }
  return finding('ok', 'values', `columns.${rule.name}: every source value maps (${listed(counts)})`)
}

async function usageCoverage(loaded: LoadedMapping, source: Source, query: ReadQuery): Promise<Finding[]> {
  const { mapping, where } = loaded
  const counts = await countValues(source, query, [query.fields.fuel, query.fields.unit])
  const unmatchedFuels = new Map<string, number>()
  const undeclaredUnits = new Map<string, Map<string, number>>()
  for (const { values: [fuelCode = null, unitCode = null], rows } of counts) {
    const fuel = mapping.usage.fuels.find((candidate) => candidate.match.includes((fuelCode ?? '').trim()))
    if (!fuel) {
      unmatchedFuels.set(fuelCode ?? 'NULL', (unmatchedFuels.get(fuelCode ?? 'NULL') ?? 0) + rows)
      continue
    }
    const unit = (unitCode ?? '').trim()
    if (fuel.ignore.has(unit) || fuel.units.has(unit)) continue
    const units = undeclaredUnits.get(fuel.name) ?? new Map<string, number>()
    units.set(unit, (units.get(unit) ?? 0) + rows)
    undeclaredUnits.set(fuel.name, units)
  }
  const findings: Finding[] = []
  if (unmatchedFuels.size) {
    findings.push(
      finding(
        'error',
        'values',
        `${where(['usage', 'fuel'])}: values of usage.fuel that match no fuel (their reads would be rejected): ${listed([...unmatchedFuels].map(([value, rows]) => ({ value, rows })))}`,
        'add them to the match list of a fuel in usage.fuels, or leave those rows out in where',
      ),
    )
  }
  for (const [fuelName, units] of undeclaredUnits) {
    findings.push(
      finding(
        'error',
        'values',
        `${where(['usage', 'fuels', fuelName, 'units'])}: unit codes of ${fuelName} rows that are neither in units nor in ignore: ${listed([...units].map(([value, rows]) => ({ value, rows })))}`,
        `declare each in usage.fuels.${fuelName}.units with its factor, or in ignore (demand and other non-usage rows)`,
      ),
    )
  }
  if (findings.length === 0) {
    const seen = counts.map(({ values: [fuel, unit], rows }) => `${fuel ?? 'NULL'}/${unit ?? 'NULL'} ${rows}`)
    findings.push(finding('ok', 'values', `usage: every fuel and unit code in the source is declared (${seen.slice(0, SHOWN).join(', ')}${seen.length > SHOWN ? ', …' : ''} rows)`))
  }
  return findings
}

/** `SELECT f…, COUNT(*) … GROUP BY f…` over the read query: the distinct values and their row counts. */
async function countValues(source: Source, query: ReadQuery, fields: readonly number[]): Promise<{ values: (string | null)[]; rows: number }[]> {
  const list = fields.map((field) => `q.f${field}`).join(', ')
  const rows = await source.query(`SELECT ${list}, COUNT(*) FROM (${query.sql}) q GROUP BY ${list}`, query.bindings)
  return rows.map((row) => ({ values: row.slice(0, fields.length), rows: Number(row[fields.length]) })).sort((a, b) => b.rows - a.rows)
}

function specColumn(loaded: LoadedMapping, name: string): SpecColumn | undefined {
  for (const spec of loaded.mapping.fileSpecs) {
    const column = spec.columns.find((candidate) => candidate.name === name)
    if (column) return column
  }
  return undefined
}

function listed(counts: readonly ValueCount[]): string {
  const parts = counts.slice(0, SHOWN).map((count) => `${count.value === null ? 'NULL' : `"${shown(count.value)}"`} ${count.rows} rows`)
  return `${parts.join(', ')}${counts.length > SHOWN ? `, and ${counts.length - SHOWN} more` : ''}`
}

function shown(value: string | null): string {
  const text = value ?? 'NULL'
  return text.length > 24 ? `${text.slice(0, 24)}…` : text
}
