import { LEGACY_BILLING_V1 } from '../../spec/legacy-billing-v1.js'
import type { Check, CheckContext } from '../check.js'
import { ReadPeriodGroup } from '../read-period-group.js'

interface DuplicateState {
  readonly servicePoint: number
  readonly dateTo: number
  /** The usage columns compared when two rows share a service point and `date_to`. */
  readonly columns: readonly number[]
  readonly period: ReadPeriodGroup
}

/**
 * V65: no two rows have identical values in every usage column. Rows are compared only within a run of
 * consecutive rows with the same service point and `date_to`: in a file in V66's order every pair of
 * rows that could be duplicates is in such a run, and a file out of that order is V66's. So memory is
 * the few rows of one read period, and the usual row costs two string comparisons and one kept string.
 */
export const v65DuplicateRows: Check<DuplicateState> = {
  id: 'V65',
  severity: 'error',
  title: 'No exact duplicate rows (within a service point)',
  columns: ['service_point_id', 'usage_value', 'date_to', 'duration'],
  init: (ctx) => ({
    servicePoint: ctx.file.column('service_point_id'),
    dateTo: ctx.file.column('date_to'),
    columns: usageColumns(ctx),
    period: new ReadPeriodGroup(),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    if (state.period.startsNew(servicePoint, row.field(state.dateTo), row, line)) return
    const same = state.period.sameIn(row, state.columns)
    if (same === undefined) state.period.add(row, line)
    else ctx.report({ line, servicePointId: servicePoint, message: `the row repeats line ${same} in every usage column` })
  },
}

/**
 * The header indexes of the usage group (the usage copy of `service_point_id` when there are two). A
 * `usage` file is all usage columns, template columns included.
 */
function usageColumns(ctx: CheckContext): number[] {
  const file = ctx.file
  if (file.fileType === 'usage') return file.header.map((_, index) => index)
  const fromSpec = file.expected?.columns.filter((c) => c.group === 'usage').map((c) => c.name)
  const names = new Set(fromSpec ?? LEGACY_BILLING_V1.groups.usage.map((c) => c.name))
  const indexes = [...names].map((name) => (name === 'service_point_id' ? file.lastColumn(name) : file.column(name)))
  return indexes.filter((index) => index >= 0)
}
