import type { Check } from '../check.js'
import { DEFAULT_POPULATION } from '../validation-options.js'

const POPULATIONS = new Set(['res', 'nonres', 'nonres-smb', 'nonres-lci'])

/**
 * V03: the population token is the configured one (default `res`), and anything but `res` needs
 * `allowNonres`. A token outside the spec's list is V01's.
 */
export const v03PopulationToken: Check = {
  id: 'V03',
  severity: 'error',
  title: 'The population token is the configured one',
  onFileName(_name, ctx) {
    const token = ctx.file.nameParts?.population
    if (token === undefined || !POPULATIONS.has(token)) return
    const expected = ctx.options.population ?? DEFAULT_POPULATION
    if (token !== expected) {
      ctx.report({ message: `the population token is ${JSON.stringify(token)}, expected ${JSON.stringify(expected)}` })
    } else if (token !== 'res' && ctx.options.allowNonres !== true) {
      ctx.report({ message: `the population token is ${JSON.stringify(token)}, which needs allowNonres (the template prints "res")` })
    }
  },
}
