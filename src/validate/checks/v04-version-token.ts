import type { Check } from '../check.js'
import { DEFAULT_SPEC_VERSION } from '../validation-options.js'

/** V04: the version token is the configured spec version, three numbers joined by hyphens. */
export const v04VersionToken: Check = {
  id: 'V04',
  severity: 'error',
  title: 'The version token is the configured spec version',
  onFileName(_name, ctx) {
    const parts = ctx.file.nameParts
    if (parts === undefined) return ctx.skip('the name has no version token (see V01)')
    const expected = ctx.options.specVersion ?? DEFAULT_SPEC_VERSION
    const token = parts.version
    if (token === expected) return
    const notes: string[] = []
    if (/[._]/.test(token)) notes.push('the parts must be joined by "-", never "." or "_"')
    else if (!/^v?\d+-\d+-\d+$/.test(token)) notes.push('it must have exactly three numeric parts')
    const why = notes.length > 0 ? ` (${notes.join('; ')})` : ''
    ctx.report({ message: `the version token is ${JSON.stringify(token)}, expected ${JSON.stringify(expected)}${why}` })
  },
}
