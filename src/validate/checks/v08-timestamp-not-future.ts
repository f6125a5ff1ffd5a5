import type { Check } from '../check.js'
import { localTimestamp } from '../../writer/file-timestamp.js'
import { isDateTime14 } from '../value-formats.js'

/**
 * V08: the name's timestamp (local time of `options.timezone`) is not later than the generation clock
 * read in that zone. A later stamp means a wrong zone or clock, and would sort after files made later.
 */
export const v08TimestampNotFuture: Check = {
  id: 'V08',
  severity: 'warning',
  title: 'The timestamp is not in the future',
  onFileName(_name, ctx) {
    const token = ctx.file.nameParts?.timestamp
    if (token === undefined || !isDateTime14(token)) return
    const now = localTimestamp(ctx.options.now, ctx.options.timezone)
    if (token > now) {
      ctx.report({ message: `the timestamp ${token} is later than the clock now (${now} in ${ctx.options.timezone}); check the clock and time zone` })
    }
  },
}
