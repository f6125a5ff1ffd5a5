import { LEGACY_BILLING_V1 } from '../../spec/legacy-billing-v1.js'
import type { Check, CheckContext } from '../check.js'

interface DuplicateState {
  readonly servicePoint: number
  /** Usage columns to compare; empty means the whole line (a `usage` file holds nothing else). */
  readonly columns: readonly number[]
  current: string | undefined
  /** Key → line of the first row with it, for the current service point's run only. */
  readonly seen: Map<string, number>
}

/**
 * V65: no two rows have identical values in every usage column. To keep memory bounded by one service
 * point's reads, rows are compared only within a run of consecutive rows of the same service point; a
 * duplicate in a later, separate run of that service point is not seen here (V66 reports the split run).
 */
export const v65DuplicateRows: Check<DuplicateState> = {
  id: 'V65',
  severity: 'error',
  title: 'No exact duplicate rows (within a service point)',
  columns: ['service_point_id', 'usage_value', 'date_to', 'duration'],
  init: (ctx) => ({
    servicePoint: ctx.file.column('service_point_id'),
    columns: ctx.file.fileType === 'usage' ? [] : usageColumns(ctx),
    current: undefined,
    seen: new Map(),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row[state.servicePoint] as string
    if (servicePoint !== state.current) {
      state.current = servicePoint
      state.seen.clear()
    }
    const key = state.columns.length === 0 ? ctx.file.line : state.columns.map((i) => row[i]).join('\t')
    const first = state.seen.get(key)
    if (first === undefined) {
      state.seen.set(key, line)
    } else {
      ctx.report({ line, servicePointId: servicePoint, message: `the row repeats line ${first} in every usage column` })
    }
  },
}

/** The header indexes of the usage group (the usage copy of `service_point_id` when there are two). */
function usageColumns(ctx: CheckContext): number[] {
  const file = ctx.file
  const fromSpec = file.expected?.columns.filter((c) => c.group === 'usage').map((c) => c.name)
  const names = new Set(fromSpec ?? LEGACY_BILLING_V1.groups.usage.map((c) => c.name))
  const indexes = [...names].map((name) => (name === 'service_point_id' ? file.lastColumn(name) : file.column(name)))
  return indexes.filter((index) => index >= 0)
}
