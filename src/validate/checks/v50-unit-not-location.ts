import type { Check } from '../check.js'

const LOCATION_WORDS = /\b(pole|meter|rear|side|basement)\b/i

interface UnitState {
  readonly column: number
}

/** V50: `service_unit` names a unit (Apt 3B), not where the meter hangs (rear, pole, basement). */
export const v50UnitNotLocation: Check<UnitState> = {
  id: 'V50',
  severity: 'warning',
  title: 'service_unit is not meter-location text',
  columns: ['service_unit'],
  init: (ctx) => ({ column: ctx.file.column('service_unit') }),
  onRow(row, line, ctx, state) {
    if (row.end(state.column) === row.start(state.column)) return
    const word = LOCATION_WORDS.exec(row.field(state.column))?.[1]
    if (word !== undefined) {
      // The matched word is one of five fixed words, not personal data.
      ctx.reportRow(row, line, state.column, `service_unit contains "${word.toLowerCase()}", which describes a meter location, not a unit`)
    }
  },
}
