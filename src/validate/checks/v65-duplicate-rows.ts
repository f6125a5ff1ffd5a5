import { LEGACY_BILLING_V1 } from '../../spec/legacy-billing-v1.js'
import type { Check, CheckContext } from '../check.js'

interface DuplicateState {
  readonly servicePoint: number
  readonly dateTo: number
  /** The usage columns compared when two rows share a `date_to`. */
  readonly columns: readonly number[]
  current: string | undefined
  /** `date_to` → the rows (and their lines) of the current service point's run with it. */
  readonly seen: Map<string, { readonly row: readonly string[]; readonly line: number }[]>
}

/**
 * V65: no two rows have identical values in every usage column. To keep memory bounded by one service
 * point's reads, rows are compared only within a run of consecutive rows of the same service point; a
 * duplicate in a later, separate run of that service point is not seen here (V66 reports the split run).
 * Rows are indexed by `date_to`, so the usual row costs one map lookup and builds no key.
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
    current: undefined,
    seen: new Map(),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row[state.servicePoint] as string
    if (servicePoint !== state.current) {
      state.current = servicePoint
      state.seen.clear()
    }
    const dateTo = row[state.dateTo] as string
    const earlier = state.seen.get(dateTo)
    if (earlier === undefined) {
      state.seen.set(dateTo, [{ row, line }])
      return
    }
    const same = earlier.find((other) => state.columns.every((i) => other.row[i] === row[i]))
    if (same === undefined) earlier.push({ row, line })
    else ctx.report({ line, servicePointId: servicePoint, message: `the row repeats line ${same.line} in every usage column` })
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
