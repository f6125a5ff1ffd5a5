import type { Check } from '../check.js'
import { isDateTime14 } from '../value-formats.js'

/** V06: the 14-digit timestamp is a real date-time (its 14-digit shape is V01's). */
export const v06TimestampToken: Check = {
  id: 'V06',
  severity: 'error',
  title: 'The timestamp is a real date-time',
  onFileName(_name, ctx) {
    const token = ctx.file.nameParts?.timestamp
    if (token === undefined || !/^\d{14}$/.test(token)) return
    if (!isDateTime14(token)) {
      ctx.report({ message: `the timestamp ${token} is not a real yyyyMMddHHmmss date-time (24-hour clock)` })
    }
  },
}
