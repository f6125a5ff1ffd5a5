import type { Batches } from '../platform/row-batches.js'
import type { ExtractCounts } from './extract-counts.js'
import type { OutputRow } from './output-row.js'

/**
 * A historical shows each read in its current version: of several rows for one service point and one
 * period (same date_to and duration), sorted oldest version first, only the last is kept.
 */
export async function* dropSuperseded(rows: Batches<OutputRow>, counts: ExtractCounts): AsyncGenerator<OutputRow[]> {
  let held: OutputRow | undefined
  for await (const batch of rows) {
    const kept: OutputRow[] = []
    for (const row of batch) {
      if (held && (held.servicePointId !== row.servicePointId || held.dateTo !== row.dateTo || held.duration !== row.duration)) {
        kept.push(held)
      } else if (held) {
        counts.superseded++
      }
      held = row
    }
    if (kept.length > 0) yield kept
  }
  if (held) yield [held]
}
