import type { Check } from '../check.js'
import { ownString } from '../row.js'
import { TEXT_CODEC, type EntityMap } from '../entity-map.js'

interface FuelState {
  readonly servicePoint: number
  readonly premise: number
  readonly fuel: number
  readonly byPremiseFuel: EntityMap<string>
  current: string | undefined
}

/**
 * V54: at most one service point per (`premise_id`, fuel). Runs when `fuelColumn` names the column that
 * holds the fuel; judged once per service point. Memory: one entry per service point.
 */
export const v54OneServicePointPerFuel: Check<FuelState> = {
  id: 'V54',
  severity: 'error',
  title: 'One service point per premise and fuel',
  columns: ['service_point_id', 'premise_id'],
  init(ctx) {
    const name = ctx.options.fuelColumn
    const fuel = name === undefined ? -1 : ctx.file.column(name)
    // Without a configured fuel column the rule does not apply (the spec's "if configured").
    if (name !== undefined && fuel < 0) ctx.skip(`the fuel column ${name} is not in the header`)
    return {
      servicePoint: ctx.file.column('service_point_id'),
      premise: ctx.file.column('premise_id'),
      fuel,
      byPremiseFuel: ctx.entityMap(TEXT_CODEC),
      current: undefined,
    }
  },
  onRow(row, line, ctx, state) {
    if (state.fuel < 0) return
    const servicePoint = row.field(state.servicePoint)
    const premise = row.field(state.premise)
    if (servicePoint === state.current || servicePoint === '' || premise === '') return
    state.current = servicePoint
    const fuel = row.field(state.fuel)
    const key = `${premise}\t${fuel}`
    const other = state.byPremiseFuel.get(key)
    if (other === undefined) state.byPremiseFuel.set(ownString(key), ownString(servicePoint))
    else if (other !== servicePoint) {
      ctx.reportRow(row, line, state.fuel, `premise ${premise} already has service point ${other} for this fuel`)
    }
  },
}
