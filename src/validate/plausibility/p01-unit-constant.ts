import type { Check } from '../check.js'

interface UnitState {
  readonly servicePoint: number
  readonly unit: number
  current: string | undefined
  currentUnit: string
}

/**
 * P01 (plausibility, beyond the spec): a service point's `meter_unit` stays the same on all its rows. A
 * meter that switches from KWH to THERM is a mapping slip, and its usage values would mix units.
 */
export const p01UnitConstant: Check<UnitState> = {
  id: 'P01',
  severity: 'warning',
  title: "A service point's meter_unit does not change",
  columns: ['service_point_id', 'meter_unit'],
  init: (ctx) => ({ servicePoint: ctx.file.lastColumn('service_point_id'), unit: ctx.file.column('meter_unit'), current: undefined, currentUnit: '' }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    const unit = row.field(state.unit)
    if (servicePoint !== state.current) {
      state.current = servicePoint
      state.currentUnit = unit
    } else if (unit !== state.currentUnit) {
      ctx.reportRow(row, line, state.unit, `meter_unit ${JSON.stringify(unit)} differs from ${JSON.stringify(state.currentUnit)} on the service point's earlier rows`)
    }
  },
}
