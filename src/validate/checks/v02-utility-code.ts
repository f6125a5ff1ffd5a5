import type { Check } from '../check.js'

/** V02: the utility token is the configured utility code (its 3–4 character shape is V01's). */
export const v02UtilityCode: Check = {
  id: 'V02',
  severity: 'error',
  title: 'The utility code is the configured one',
  onFileName(_name, ctx) {
    const expected = ctx.options.utility
    if (expected === undefined) return ctx.skip('no utility code configured (options.utility)')
    const parts = ctx.file.nameParts
    if (parts === undefined) return ctx.skip('the name has no utility token (see V01)')
    if (parts.utility !== expected) {
      ctx.report({ message: `the utility code is ${JSON.stringify(parts.utility)}, expected ${JSON.stringify(expected)}` })
    }
  },
}
