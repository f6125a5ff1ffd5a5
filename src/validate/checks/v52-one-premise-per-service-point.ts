import type { Check } from '../check.js'
import { ownString } from '../row.js'
import { TEXT_CODEC, type EntityMap } from '../entity-map.js'

interface PremiseState {
  readonly servicePoint: number
  readonly premise: number
  readonly premises: EntityMap<string>
  current: string | undefined
  currentPremise: string
}

/**
 * V52, within the file: a `service_point_id` maps to one `premise_id` on every row (a service point never
 * moves). Against history it needs the workspace state (the continuity checks). Memory: one entry per
 * service point; rows of the current service point cost one comparison.
 */
export const v52OnePremisePerServicePoint: Check<PremiseState> = {
  id: 'V52',
  severity: 'error',
  title: 'A service point belongs to one premise',
  columns: ['service_point_id', 'premise_id'],
  init: (ctx) => ({
    servicePoint: ctx.file.column('service_point_id'),
    premise: ctx.file.column('premise_id'),
    premises: ctx.entityMap(TEXT_CODEC),
    current: undefined,
    currentPremise: '',
  }),
  onRow(row, line, ctx, state) {
    const servicePoint = row.field(state.servicePoint)
    const premise = row.field(state.premise)
    if (servicePoint === '' || premise === '') return
    if (servicePoint !== state.current) {
      state.current = ownString(servicePoint)
      const before = state.premises.get(servicePoint)
      if (before === undefined) state.premises.set(state.current, ownString(premise))
      state.currentPremise = before ?? premise
    }
    if (premise !== state.currentPremise) {
      ctx.reportRow(row, line, state.premise, `service point ${servicePoint} is at premise ${premise} here and ${state.currentPremise} on an earlier row`)
    }
  },
}
