/** What a run counted, for reconciliation and the summary. Every stage adds to it. */
export interface ExtractCounts {
  /** Distinct read keys the database reports for the window (COUNT DISTINCT). */
  sourceReadKeys: number
  /** Rows the read query returned (one per usage quantity). */
  sourceRows: number
  /** Reads (groups of rows with one read key) seen in the stream. */
  reads: number
  written: number
  /** Written rows in which at least one value was cleaned (TAB, line break, NUL). */
  cleaned: number
  rejected: number
  /** Older versions of a period replaced by a later one in the same file. */
  superseded: number
  /** Incremental: reads identical to accepted ones (and unchanged accounts) left out. */
  suppressed: number
  /** Reads left out on purpose, by reason. */
  excluded: Record<string, number>
  /** Read keys whose rows disagree on mapped columns or repeat a detail key: a join fans out. */
  fanOut: number
}

export function emptyCounts(): ExtractCounts {
  return { sourceReadKeys: 0, sourceRows: 0, reads: 0, written: 0, cleaned: 0, rejected: 0, superseded: 0, suppressed: 0, excluded: {}, fanOut: 0 }
}

export function totalExcluded(counts: ExtractCounts): number {
  return Object.values(counts.excluded).reduce((sum, n) => sum + n, 0)
}

/** Adds the counts of one part of a run (a chunk) to the run's total. */
export function addCounts(total: ExtractCounts, part: ExtractCounts): ExtractCounts {
  for (const key of ['sourceReadKeys', 'sourceRows', 'reads', 'written', 'cleaned', 'rejected', 'superseded', 'suppressed', 'fanOut'] as const) total[key] += part[key]
  for (const [reason, n] of Object.entries(part.excluded)) total.excluded[reason] = (total.excluded[reason] ?? 0) + n
  return total
}
