import type { Mapping } from '../config/mapping.js'
import { cleanRecord } from '../writer/clean-record.js'
import { aggregateUsage } from './aggregate-usage.js'
import type { ExtractCounts } from './extract-counts.js'
import { mapColumnValue } from './map-column-value.js'
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
 * mapped column (otherwise a join fans out), adds up the usage and maps every column.
 */
export async function* mapReads(records: AsyncIterable<ReadRecord>, options: MapReadsOptions): AsyncGenerator<MappedRead> {
  let group: ReadRecord[] = []
  for await (const record of records) {
    options.counts.sourceRows++
    if (group.length > 0 && group[0]![4] !== record[4]) {
      yield mapGroup(group, options)
      group = []
    }
    group.push(record)
  }
  if (group.length > 0) yield mapGroup(group, options)
}

function mapGroup(group: readonly ReadRecord[], options: MapReadsOptions): MappedRead {
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

  const derived: Record<string, string> = { usage_value: usage.value, date_to: first[1], duration: String(Number(first[2])) }
  const values: string[] = []
  for (const name of columns) {
    const rule = mapping.columns.get(name)!
    const source = rule.source
    const raw =
      source.kind === 'sql' ? field(fields.columns.get(name)!) : source.kind === 'constant' ? source.value : source.kind === 'derived' ? derived[source.from]! : ''
    const mapped = source.kind === 'derived' ? { ok: true as const, value: raw ?? '' } : mapColumnValue(rule, raw)
    if (!mapped.ok) return reject(name, mapped.reason)
    values.push(mapped.value)
  }

  if (options.asOf) {
    const active = columns.indexOf('active_date')
    const inactive = columns.indexOf('inactive_date')
    if (active >= 0 && values[active]! > options.asOf) return exclude(counts, 'account opened after the end date')
    if (inactive >= 0 && values[inactive]! > options.asOf) values[inactive] = ''
  }

  const cleaned = cleanRecord(values, mapping.cleaning)
  if (!cleaned.ok) return reject(columns[cleaned.column]!, cleaned.reason)
  return {
    kind: 'row',
    row: {
      ...keys,
      values: cleaned.values as string[],
      duration: derived.duration!,
      cleaned: cleaned.cleanedColumns.length > 0,
      ...(fields.flag === undefined ? {} : { inWindow: field(fields.flag) === '1' }),
    },
  }
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
