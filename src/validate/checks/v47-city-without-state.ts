import type { Check } from '../check.js'

interface CityState {
  readonly city: number
  readonly state: number
}

/** V47: `service_city` does not end with the state (`Richmond, VA`): the state has its own column. */
export const v47CityWithoutState: Check<CityState> = {
  id: 'V47',
  severity: 'warning',
  title: 'service_city does not end with the state',
  columns: ['service_city', 'service_state'],
  init: (ctx) => ({ city: ctx.file.column('service_city'), state: ctx.file.column('service_state') }),
  onRow(row, line, ctx, state) {
    const code = row.field(state.state)
    if (code.length !== 2) return
    const city = row.field(state.city)
    if (city.length < 4) return
    // Upper-casing cannot turn another character into a space or a comma: most rows stop here, uncut.
    const before = city.charCodeAt(city.length - 3)
    if (before !== 0x20 && before !== 0x2c) return
    const tail = city.slice(-3).toUpperCase()
    if ((tail[0] === ' ' || tail[0] === ',') && tail.slice(1) === code.toUpperCase()) {
      ctx.reportRow(row, line, state.city, `service_city ends with the state ${code}; write the city alone`)
    }
  },
}
