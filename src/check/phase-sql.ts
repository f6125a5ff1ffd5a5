import type { Mapping } from '../config/mapping.js'
import type { HistoricalWindow } from '../extract/extract-window.js'
import { incrementalFilters } from '../extract/incremental-filter.js'
import { buildPremiseQuery, buildReadCountQuery, buildReadQuery } from '../extract/read-query.js'
import { describeSortPlace, specOrderReadQuery } from '../extract/read-records-in-spec-order.js'
import type { SourceDialect } from '../source/source-dialect.js'

/** Placeholder shown for the picked premise ids: the pick itself depends on --seed and --sample-size. */
const PICKED_PREMISE = '<picked premise_id>'

/**
 * The SQL each phase sends to the database, with its bound values listed (never spliced into the text),
 * for a mapping author to run by hand or hand to a DBA. Historical phases use `window`.
 */
export function describePhaseSql(mapping: Mapping, dialect: SourceDialect, window: HistoricalWindow): string[] {
  const filter = { from: window.from, toExclusive: window.toExclusive }
  const lines: string[] = []
  const show = (title: string, query: { sql: string; bindings: readonly unknown[] }) =>
    lines.push(`-- ${title}`, `${query.sql};`, `-- bindings: ${JSON.stringify(query.bindings)}`, '')

  lines.push(`== full historical: reads with date_to in [${window.from}, ${window.end}] (bound as ${filter.from} <= date_to < ${filter.toExclusive})`)
  show('count of distinct reads (reconciliation)', buildReadCountQuery(mapping, dialect, filter))
  const reads = specOrderReadQuery(dialect, mapping, filter)
  show(`the reads, one row per usage quantity, ${describeSortPlace(reads.sortedBy)}`, reads)

  const bySql = (column: string) => mapping.columns.get(column)?.source.kind === 'sql'
  if (!bySql('premise_id') || !bySql('account_id')) {
    lines.push('== sample historical: needs premise_id and account_id mapped with sql (see the findings)', '')
  } else {
    lines.push(`== sample historical: same window; premises picked by seed, then their reads in chunks of up to 900 premises`)
      show('premises in the window with their number of accounts', buildPremiseQuery(mapping, dialect, filter))
    show(`the reads of one chunk (each ${PICKED_PREMISE} is bound)`, buildReadQuery(mapping, dialect, { ...filter, premises: [PICKED_PREMISE, PICKED_PREMISE] }))
  }

  const lookback = `${mapping.incremental.lookbackSeconds} s`
  const incremental = { kind: 'incremental', historyFrom: window.from, lower: `<previous upper − ${lookback}>`, upper: `<database clock − ${mapping.incremental.settleLagSeconds} s>`, asOf: undefined, baselineBefore: 0 } as const
  if (!mapping.changeDetection.reads) {
    lines.push('== incremental: needs change_detection.reads (see the findings)')
  } else {
    lines.push(`== incremental: changes in [previous upper − lookback, database clock − settle lag); the first one after a historical as of D also takes reads dated after D`)
    for (const filter of incrementalFilters(mapping, dialect, incremental)) show('the reads changed in the window, and the latest read of each service point and account (entity changes)', buildReadQuery(mapping, dialect, filter))
  }
  return lines
}

