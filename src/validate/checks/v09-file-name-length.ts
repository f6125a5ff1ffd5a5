import type { Check } from '../check.js'

/** V09: the name is no longer than the configured maximum (Oracle's number is unknown; 100 until confirmed). */
export const v09FileNameLength: Check = {
  id: 'V09',
  severity: 'error',
  title: 'The file name is not too long',
  onFileName(name, ctx) {
    const max = ctx.options.maxFileNameLength
    if (name.length > max) ctx.report({ message: `the name has ${name.length} characters, the maximum is ${max}` })
  },
}
