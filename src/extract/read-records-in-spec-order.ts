import type { Mapping } from '../config/mapping.js'
import { BATCH_ROWS, inBatches, type Batches } from '../platform/row-batches.js'
import type { SourceReader } from '../source/create-source.js'
import type { SourceDialect } from '../source/source-dialect.js'
import { sortRecords } from '../writer/sort-records.js'
import { buildReadQuery, type ReadFilter } from './read-query.js'
import { compareReadRecords, readRecordSpillCodec, toReadRecord, type ReadRecord } from './read-record.js'

/**
 * Where the reads are put in spec order: by the database (`ORDER BY` on the service point and the read
 * date, compared as the extract compares them), or by the extract's external sort on disk.
 */
export type SortPlace = 'database' | 'disk'

export interface ReadRecordsInSpecOrderOptions {
  readonly sortIn: SortPlace
  /** Where the sort on disk makes its run files. */
  readonly tmpDir: string
  readonly signal?: AbortSignal
}

/**
 * Rows of one service point and read date the extract holds to put them in full spec order (duration,
 * version, read, detail). Far beyond any real read's corrections and detail rows: a group this big means
 * the keys are not what they seem (e.g. every service point NULL), and the disk sort copes better.
 */
const MOST_ROWS_PER_SERVICE_POINT_AND_DATE = 10_000

/**
 * The database handed over rows out of the extract's order (a collation, padding or conversion the
 * dialect's `binaryOrderKey` did not foresee). Nothing of the attempt may be kept; it is run again with
 * the sort on disk.
 */
export class DatabaseOrderMismatch extends Error {
  constructor(readonly rowNumber: number, detail: string) {
    super(`the database's order differs from spec order at row ${rowNumber}: ${detail}`)
    this.name = 'DatabaseOrderMismatch'
  }
}

/**
 * The read records of the filters in spec order. With the database sorting, rows stream straight through
 * (no run files, no sort buffer: memory stays flat and the work is the database's, which it does in any
 * case for an export); only the few rows of one service point and read date are sorted here, and every
 * boundary is checked, so a database order that differs from the extract's fails loudly with
 * {@link DatabaseOrderMismatch} instead of writing a misordered file. Several filters (a sample's premise
 * lists) are ordered separately by the database, so they are sorted on disk; so is a mapping whose
 * service point is not a SQL column. In batches (see {@link Batches}).
 */
export function readRecordsInSpecOrder(
  source: SourceReader,
  mapping: Mapping,
  filters: readonly ReadFilter[],
  options: ReadRecordsInSpecOrderOptions,
): Batches<ReadRecord> {
  if (options.sortIn === 'database' && filters.length === 1 && databaseOrderKey(mapping) !== undefined) {
    return inDatabaseOrder(source, mapping, filters[0]!, options.signal)
  }
  return inBatches(
    sortRecords(streamReadRecords(source, mapping, filters, options.signal), {
      compare: compareReadRecords,
      tmpDir: options.tmpDir,
      signal: options.signal,
      ...readRecordSpillCodec,
    }),
  )
}

/** The service point's SQL when the database can order by it (it is a SQL column), else undefined. */
function databaseOrderKey(mapping: Mapping): string | undefined {
  const servicePoint = mapping.columns.get('service_point_id')?.source
  return servicePoint?.kind === 'sql' ? servicePoint.sql : undefined
}

/**
 * The read query exactly as a full historical (one filter) sends it: with the ORDER BY that
 * `inDatabaseOrder` relies on, unless the reads are sorted on disk (`source.sort: disk`, or a service
 * point that is not a SQL column). `extract --dry-run` and `check --sql` show this one.
 */
export function specOrderReadQuery(
  dialect: SourceDialect,
  mapping: Mapping,
  filter: ReadFilter,
  sortIn: SortPlace = mapping.source.sort,
): ReturnType<typeof buildReadQuery> & { readonly sortedBy: SortPlace } {
  const query = buildReadQuery(mapping, dialect, filter)
  const servicePointSql = databaseOrderKey(mapping)
  if (sortIn !== 'database' || servicePointSql === undefined) return { ...query, sortedBy: 'disk' }
  const order = [dialect.binaryOrderKey(servicePointSql), dialect.binaryOrderKey(dialect.formatDate(mapping.reads.dateTo))]
  return { ...query, sql: `${query.sql}\nORDER BY ${order.join(', ')}`, sortedBy: 'database' }
}

/** How a full historical's reads come into spec order, for the title of its query in `check --sql` and `--dry-run`. */
export function describeSortPlace(sortedBy: SortPlace): string {
  return sortedBy === 'database'
    ? 'in spec order by the database (source.sort: database; a chunked run adds its service point range to the WHERE)'
    : 'sorted on disk by the extract (source.sort: disk, or service_point_id is not a SQL column)'
}

/** In batches: the groups of service point and date that a driver batch finished, about `BATCH_ROWS` records at a time. */
async function* inDatabaseOrder(source: SourceReader, mapping: Mapping, filter: ReadFilter, signal?: AbortSignal): AsyncGenerator<ReadRecord[]> {
  const query = specOrderReadQuery(source.dialect, mapping, filter, 'database')
  let group: ReadRecord[] = []
  let rowNumber = 0
  for await (const rows of source.streamBatches(query.sql, query.bindings, { signal })) {
    let finished: ReadRecord[] = []
    for (const row of rows) {
      rowNumber++
      const record = toReadRecord(row, query.fields, mapping)
      const first = group[0]
      if (first !== undefined && (record[0] !== first[0] || record[1] !== first[1])) {
        // Keys strictly increase from group to group, so a key seen before can never come back unnoticed.
        if (record[0] < first[0] || (record[0] === first[0] && record[1] < first[1])) {
          throw new DatabaseOrderMismatch(rowNumber, `service point "${record[0]}" read on ${record[1] || 'no date'} came after "${first[0]}" on ${first[1] || 'no date'}`)
        }
        if (group.length > 1) group.sort(compareReadRecords)
        for (const grouped of group) finished.push(grouped)
        group = []
        // On in batches of about BATCH_ROWS (a group of service point and date is never split): with a whole
        // driver batch (hundreds of rows per COPY chunk) in flight through every stage, more of it outlived
        // the young generation: 140-161 MB resident while writing 10M reads, against 135-147 MB this way.
        if (finished.length >= BATCH_ROWS) {
          yield finished
          finished = []
        }
      }
      group.push(record)
      if (group.length > MOST_ROWS_PER_SERVICE_POINT_AND_DATE) {
        throw new DatabaseOrderMismatch(rowNumber, `more than ${MOST_ROWS_PER_SERVICE_POINT_AND_DATE} rows of service point "${record[0]}" on ${record[1] || 'no date'}`)
      }
    }
    if (finished.length > 0) yield finished
  }
  if (group.length > 1) group.sort(compareReadRecords)
  if (group.length > 0) yield group
}

async function* streamReadRecords(source: SourceReader, mapping: Mapping, filters: readonly ReadFilter[], signal?: AbortSignal): AsyncGenerator<ReadRecord> {
  for (const filter of filters) {
    const query = buildReadQuery(mapping, source.dialect, filter)
    for await (const row of source.stream(query.sql, query.bindings, { signal })) yield toReadRecord(row, query.fields, mapping)
  }
}
