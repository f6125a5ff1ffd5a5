import type { Check } from '../check.js'
import { ownString } from '../row.js'
import { jsonCodec, type EntityMap } from '../entity-map.js'

/** One address: its first premise, and the service points without a unit seen before a second premise came. */
interface Address {
  readonly premise: string
  shared: boolean
  missing: number
  firstLine: number
  firstServicePoint: string
}

interface SharedState {
  readonly columns: readonly number[]
  readonly premise: number
  readonly servicePoint: number
  readonly unit: number
  current: string | undefined
  readonly addresses: EntityMap<Address>
}

const ADDRESS = ['service_house_number', 'service_street_name', 'service_city', 'service_zip_code']
const MESSAGE = 'service_unit is empty, but other premises share this address (a multi-unit building)'

/**
 * V49: a service point at an address (house number, street, city, zip) shared by more than one premise
 * is in a multi-unit building and needs `service_unit`. Judged once per service point. Memory: one small
 * record per distinct address. A service point without a unit is reported at once when its address is
 * already shared; those seen before the address became shared are counted and reported at the end (with
 * the first of them as the example).
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
    addresses: ctx.entityMap(jsonCodec<Address>()),
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    if (servicePoint === state.current) return
    const premise = row.field(state.premise)
    // An empty premise is V29's; the service point is judged on its first row that has one.
    if (premise === '') return
    state.current = servicePoint
    const key = state.columns.map((column) => row.field(column)).join('\t')
    const noUnit = row.end(state.unit) === row.start(state.unit)
    let address = state.addresses.get(key)
    if (address === undefined) {
      address = { premise: ownString(premise), shared: false, missing: 0, firstLine: 0, firstServicePoint: '' }
      state.addresses.set(ownString(key), address)
    } else if (address.premise !== premise && !address.shared) {
      address.shared = true
      state.addresses.set(key, address)
    }
    if (!noUnit) return
    if (address.shared) {
      ctx.reportRow(row, line, state.unit, MESSAGE)
      return
    }
    if (address.missing++ === 0) {
      address.firstLine = line
      address.firstServicePoint = ownString(servicePoint)
    }
    // Set again: once the map is on disk, `address` is a copy.
    state.addresses.set(key, address)
  },
  onEnd(ctx, state) {
    for (const address of state.addresses.values()) {
      if (!address.shared || address.missing === 0) continue
      ctx.reportBulk(address.missing, [
        { line: address.firstLine, servicePointId: address.firstServicePoint, column: 'service_unit', message: MESSAGE },
      ])
    }
  },
}
