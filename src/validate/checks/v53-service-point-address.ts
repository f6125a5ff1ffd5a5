import type { Check } from '../check.js'

const ADDRESS = ['service_house_number', 'service_street_name', 'service_unit', 'service_city', 'service_state', 'service_zip_code']

interface AddressState {
  readonly servicePoint: number
  readonly columns: readonly number[]
  current: string | undefined
  readonly first: string[]
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
  init: (ctx) => ({
    servicePoint: ctx.file.column('service_point_id'),
    columns: ADDRESS.map((name) => ctx.file.column(name)),
    current: undefined,
    first: [],
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    if (servicePoint !== state.current) {
      state.current = servicePoint
      state.columns.forEach((column, index) => (state.first[index] = row.field(column)))
      return
    }
    for (let index = 0; index < state.columns.length; index++) {
      const column = state.columns[index] as number
      if (row.field(column) === state.first[index]) continue
      ctx.reportRow(row, line, column, `${ADDRESS[index]} differs from the service point's first row; review whether the ID moved`)
      return
    }
  },
}
