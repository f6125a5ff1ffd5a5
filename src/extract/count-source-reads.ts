import type { Mapping } from '../config/mapping.js'
import type { SourceReader, SourceSnapshot } from '../source/create-source.js'
import { buildReadCountQuery, type ReadFilter } from './read-query.js'

/** The reconciliation count, started: `result` gives the number of distinct source read keys. */
export interface PendingReadCount {
  /** The count, when it was taken before the reads (no shared snapshot); `undefined` while it runs beside them. */
  readonly known: number | undefined
  result(): Promise<number>
}

/**
 * Starts counting the distinct read keys of the filters in the snapshot the reads will stream from. The
 * count is a second pass over the same joins; where the database can share the snapshot with a second
 * connection (PostgreSQL) it runs there while the reads stream, so it costs no time of its own; elsewhere
 * it runs on the snapshot itself, before the reads.
 */
export async function startReadCount(snapshot: SourceSnapshot, mapping: Mapping, filters: readonly ReadFilter[]): Promise<PendingReadCount> {
  const shared = await snapshot.share()
  if (!shared) {
    const count = await countReads(snapshot, mapping, filters)
    return { known: count, result: async () => count }
  }
  const counting = countReads(shared, mapping, filters).finally(() => shared.close())
  // Awaited by `result`; a run that fails before asking must not turn this into an unhandled rejection.
  counting.catch(() => {})
  return { known: undefined, result: () => counting }
}

/** The distinct read keys of the filters, counted by the database in the reader's snapshot. */
export async function countReads(reader: SourceReader, mapping: Mapping, filters: readonly ReadFilter[]): Promise<number> {
  let count = 0
  for (const filter of filters) {
    const query = buildReadCountQuery(mapping, reader.dialect, filter)
    const [row] = await reader.query(query.sql, query.bindings)
    count += Number(row?.[0] ?? 0)
  }
  return count
}
