import type { Check } from '../check.js'
import type { Row } from '../row.js'

const ADDRESS = ['service_house_number', 'service_street_name', 'service_unit', 'service_city', 'service_state', 'service_zip_code']

interface AddressState {
  readonly servicePoint: number
  readonly columns: readonly number[]
  /** The columns are adjacent and in this order, so the address is one stretch of the line. */
  readonly adjacent: boolean
  current: string | undefined
  readonly first: string[]
  /** The stretch of the line holding the whole address on the service point's first row (when `adjacent`). */
  firstSpan: string
}

/**
 * V53, within the file: a service point keeps the same address on all its rows (reported for review; an
 * ID denotes a fixed location). Compared within the run of the service point's rows (V66 keeps them
 * together); against earlier deliveries it needs the workspace state. The address is never quoted.
 */
export const v53ServicePointAddress: Check<AddressState> = {
  id: 'V53',
  severity: 'warning',
  title: 'A service point keeps its address',
  columns: ['service_point_id', ...ADDRESS],
  init(ctx) {
    const columns = ADDRESS.map((name) => ctx.file.column(name))
    return {
      servicePoint: ctx.file.column('service_point_id'),
      columns,
      adjacent: columns.every((column, index) => index === 0 || column === (columns[index - 1] as number) + 1),
      current: undefined,
      first: [],
      firstSpan: '',
    }
  },
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    const columns = state.columns
    if (servicePoint !== state.current) {
      state.current = servicePoint
      for (let index = 0; index < columns.length; index++) state.first[index] = row.field(columns[index] as number)
      if (state.adjacent) state.firstSpan = addressSpan(row, columns)
      return
    }
    // Fields hold no TAB, so the stretch is unchanged exactly when every field is: one comparison per row,
    // made in place (no string is cut).
    if (state.adjacent && sameSpan(row, columns, state.firstSpan)) return
    for (let index = 0; index < state.columns.length; index++) {
      const column = state.columns[index] as number
      if (row.field(column) === state.first[index]) continue
      ctx.reportRow(row, line, column, `${ADDRESS[index]} differs from the service point's first row; review whether the ID moved`)
      return
    }
  },
}

/** The text from the first address column's start to the last one's end (TABs between them included). */
function addressSpan(row: Row, columns: readonly number[]): string {
  return row.line.slice(row.start(columns[0] as number), row.end(columns[columns.length - 1] as number))
}

/** Whether {@link addressSpan} of `row` is `span`. */
function sameSpan(row: Row, columns: readonly number[], span: string): boolean {
  const start = row.start(columns[0] as number)
  return row.end(columns[columns.length - 1] as number) - start === span.length && row.line.startsWith(span, start)
}
