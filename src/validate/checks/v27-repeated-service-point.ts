import type { Check } from '../check.js'

interface RepeatState {
  readonly first: number
  readonly last: number
}

/**
 * V27, as far as a file can show it: when a `full` file carries `service_point_id` twice (the service
 * point group's and the usage group's), both hold the same value on every row. Whether it should carry
 * it once or twice is V18's question (the expected header follows `servicePointIdInFull`).
 */
export const v27RepeatedServicePoint: Check<RepeatState> = {
  id: 'V27',
  severity: 'error',
  title: 'A repeated service_point_id holds the same value',
  columns: ['service_point_id'],
  fileTypes: ['full'],
  init: (ctx) => ({ first: ctx.file.column('service_point_id'), last: ctx.file.lastColumn('service_point_id') }),
  onRow(row, line, ctx, state) {
    if (state.first === state.last) return
    const group = row.field(state.first)
    const usage = row.field(state.last)
    // An empty copy is V45's or V55's.
    if (group === usage || group === '' || usage === '') return
    ctx.reportRow(
      row,
      line,
      state.last,
      `the usage group's service_point_id ${JSON.stringify(usage)} differs from the service point group's`,
    )
  },
}
