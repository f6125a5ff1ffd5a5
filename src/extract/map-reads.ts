import type { ColumnRule, Mapping } from '../config/mapping.js'
import type { Batches } from '../platform/row-batches.js'
import { cleanRecord } from '../writer/clean-record.js'
import { aggregateUsage } from './aggregate-usage.js'
import type { ExtractCounts } from './extract-counts.js'
import { mapColumnText } from './map-column-value.js'
import type { OutputRow, RejectedRead } from './output-row.js'
import type { ReadQueryFields } from './read-query.js'
import { FIELDS_START, type ReadRecord } from './read-record.js'

export type MappedRead =
  | { readonly kind: 'row'; readonly row: OutputRow }
  | { readonly kind: 'rejected'; readonly rejected: RejectedRead }
  | { readonly kind: 'excluded' }

export interface MapReadsOptions {
  readonly mapping: Mapping
  readonly fields: ReadQueryFields
  readonly columns: readonly string[]
  /** Historical "as of" date (yyyymmdd): accounts opened later are left out, later inactive dates blanked. */
  readonly asOf?: string
  readonly counts: ExtractCounts
  /** Receives up to a few examples of fan-out (read key and what differs), for the error message. */
  readonly onFanOut: (readKey: string, what: string) => void
}

/**
 * Groups the sorted records of one read key (its usage quantities), checks that they agree on every
 * mapped column (otherwise a join fans out), adds up the usage and maps every column. A batch of records
 * becomes the batch of the reads it finished (a read's records may span batches).
 */
export async function* mapReads(records: Batches<ReadRecord>, options: MapReadsOptions): AsyncGenerator<MappedRead[]> {
  const plan = planColumns(options)
  let group: ReadRecord[] = []
  for await (const batch of records) {
    const mapped: MappedRead[] = []
    for (const record of batch) {
      options.counts.sourceRows++
      if (group.length > 0 && group[0]![4] !== record[4]) {
        mapped.push(mapGroup(group, options, plan))
        group = []
      }
      group.push(record)
    }
    if (mapped.length > 0) yield mapped
  }
  if (group.length > 0) yield [mapGroup(group, options, plan)]
}

/** How each output column gets its value, worked out once per run instead of once per read. */
interface ColumnPlan {
  readonly columns: readonly {
    readonly name: string
    readonly rule: ColumnRule
    /** Index into the record's fields (`sql`), or -1. */
    readonly field: number
    readonly constant: string | undefined
    readonly derived: 'usage_value' | 'date_to' | 'duration' | undefined
  }[]
  readonly active: number
  readonly inactive: number
}

function planColumns(options: MapReadsOptions): ColumnPlan {
  const { mapping, fields, columns } = options
  return {
    columns: columns.map((name) => {
      const rule = mapping.columns.get(name)!
      const source = rule.source
      return {
        name,
        rule,
        field: source.kind === 'sql' ? FIELDS_START + fields.columns.get(name)! : -1,
        constant: source.kind === 'constant' ? source.value : source.kind === 'empty' ? '' : undefined,
        derived: source.kind === 'derived' ? source.from : undefined,
      }
    }),
    active: columns.indexOf('active_date'),
    inactive: columns.indexOf('inactive_date'),
  }
}

function mapGroup(group: readonly ReadRecord[], options: MapReadsOptions, plan: ColumnPlan): MappedRead {
  const { mapping, fields, counts, columns } = options
  counts.reads++
  const first = group[0]!
  const field = (index: number) => first[FIELDS_START + index] as string | null
  const keys = {
    readKey: first[4],
    servicePointId: first[0],
    accountId: textOf(first, fields.columns.get('account_id')),
    dateTo: first[1],
  }
  const reject = (column: string, reason: string): MappedRead => ({ kind: 'rejected', rejected: { ...keys, column, reason } })

  checkFanOut(group, options)
  if (first[1] === '') return reject('date_to', 'read date is empty or not a date')
  if (first[2] === '') return reject('duration', 'duration is not a positive whole number of days (check reads.start_date or reads.duration)')

  const usage = aggregateUsage(
    mapping.usage,
    mapping.allowNegativeUsage,
    field(fields.fuel),
    group.map((record) => ({ quantity: record[FIELDS_START + fields.quantity] as string | null, unit: record[FIELDS_START + fields.unit] as string | null })),
  )
  if (usage.kind === 'rejected') return reject('usage_value', usage.reason)
  if (usage.kind === 'excluded') return exclude(counts, usage.reason)

  const duration = String(Number(first[2]))
  const values = new Array<string>(plan.columns.length)
  for (let i = 0; i < plan.columns.length; i++) {
    const column = plan.columns[i]!
    if (column.derived !== undefined) {
      values[i] = column.derived === 'usage_value' ? usage.value : column.derived === 'date_to' ? first[1] : duration
      continue
    }
    const mapped = mapColumnText(column.rule, column.field >= 0 ? (first[column.field] as string | null) : column.constant!)
    if (typeof mapped !== 'string') return reject(column.name, mapped.reason)
    values[i] = mapped
  }

  if (options.asOf) {
    if (plan.active >= 0 && values[plan.active]! > options.asOf) return exclude(counts, 'account opened after the end date')
    if (plan.inactive >= 0 && values[plan.inactive]! > options.asOf) values[plan.inactive] = ''
  }

  const cleaned = cleanRecord(values, mapping.cleaning)
  if (!cleaned.ok) return reject(columns[cleaned.column]!, cleaned.reason)
  // Written out, not spread: spreading `keys` and the optional flag took two thirds of this function's
  // time in a profile (an object of a new shape per read).
  const row: OutputRow = {
    readKey: keys.readKey,
    servicePointId: keys.servicePointId,
    accountId: keys.accountId,
    dateTo: keys.dateTo,
    values: cleaned.values as string[],
    duration,
    cleaned: cleaned.cleanedColumns.length > 0,
    inWindow: fields.flag === undefined ? undefined : field(fields.flag) === '1',
  }
  return { kind: 'row', row }
}

function exclude(counts: ExtractCounts, reason: string): MappedRead {
  counts.excluded[reason] = (counts.excluded[reason] ?? 0) + 1
  return { kind: 'excluded' }
}

function textOf(record: ReadRecord, index: number | undefined): string {
  return index === undefined ? '' : ((record[FIELDS_START + index] as string | null) ?? '').trim()
}

/** Rows of one read must agree on every mapped column, and a detail key may not repeat. */
function checkFanOut(group: readonly ReadRecord[], options: MapReadsOptions): void {
  if (group.length < 2) return
  const { fields } = options
  const first = group[0]!
  const details = new Set<string>()
  for (const record of group) {
    // Differing columns first: they name the join that fans out, a repeated detail key does not.
    for (const [name, index] of fields.columns) {
      if (record[FIELDS_START + index] !== first[FIELDS_START + index]) {
        return fanOut(options, first[4], `column ${name} differs between the rows of one read`)
      }
    }
    if (fields.detailKey !== undefined) {
      if (details.has(record[5])) return fanOut(options, first[4], `usage.detail_key ${record[5]} appears twice`)
      details.add(record[5])
    }
    if (record[0] !== first[0] || record[1] !== first[1] || record[2] !== first[2] || record[3] !== first[3]) {
      return fanOut(options, first[4], 'service point, read date or version differs between the rows of one read')
    }
  }
}

function fanOut(options: MapReadsOptions, readKey: string, what: string): void {
  options.counts.fanOut++
  options.onFanOut(readKey, what)
}
