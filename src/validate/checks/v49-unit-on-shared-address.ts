import type { Check } from '../check.js'
import { ownString } from '../row.js'

interface Address {
  readonly premise: string
  shared: boolean
  /** Service points at this address without a unit: how many, and the first few (line, id). */
  missing: number
  readonly examples: { readonly line: number; readonly servicePoint: string }[]
}

interface SharedState {
  readonly columns: readonly number[]
  readonly premise: number
  readonly servicePoint: number
  readonly unit: number
  current: string | undefined
  readonly addresses: Map<string, Address>
}

const ADDRESS = ['service_house_number', 'service_street_name', 'service_city', 'service_zip_code']

/**
 * V49: a service point at an address (house number, street, city, zip) shared by more than one premise
 * is in a multi-unit building and needs `service_unit`. Judged once per service point; memory is one
 * entry per distinct address. Reported at the end, since a later premise can make an address shared.
 */
export const v49UnitOnSharedAddress: Check<SharedState> = {
  id: 'V49',
  severity: 'error',
  title: 'service_unit is set where several premises share an address',
  columns: [...ADDRESS, 'premise_id', 'service_point_id', 'service_unit'],
  init: (ctx) => ({
    columns: ADDRESS.map((name) => ctx.file.column(name)),
    premise: ctx.file.column('premise_id'),
    servicePoint: ctx.file.column('service_point_id'),
    unit: ctx.file.column('service_unit'),
    current: undefined,
    addresses: new Map(),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    const premise = row.field(state.premise)
    // An empty premise is V29's; the service point is judged on its first row that has one.
    if (servicePoint === state.current || premise === '') return
    state.current = servicePoint
    const key = state.columns.map((column) => row.field(column)).join('\t')
    let address = state.addresses.get(key)
    if (address === undefined) {
      address = { premise: ownString(premise), shared: false, missing: 0, examples: [] }
      state.addresses.set(ownString(key), address)
    } else if (address.premise !== premise) {
      address.shared = true
    }
    if (row.end(state.unit) === row.start(state.unit)) {
      address.missing++
      if (address.examples.length < ctx.options.exampleLimit) address.examples.push({ line, servicePoint: ownString(servicePoint) })
    }
  },
  onEnd(ctx, state) {
    for (const address of state.addresses.values()) {
      if (!address.shared || address.missing === 0) continue
      const examples = address.examples.map((example) => ({
        line: example.line,
        servicePointId: example.servicePoint,
        column: 'service_unit',
        message: 'service_unit is empty, but other premises share this address (a multi-unit building)',
      }))
      ctx.reportBulk(address.missing, examples)
    }
  },
}
