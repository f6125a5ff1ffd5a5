import type { Check } from '../check.js'

/** V19: no line after the first repeats the header (two files concatenated, or a writer restarted). */
export const v19SingleHeader: Check = {
  id: 'V19',
  severity: 'error',
  title: 'There is exactly one header line',
  wholeLine: true,
  onRow(_row, line, ctx) {
    if (ctx.file.line === ctx.file.headerLine) ctx.report({ line, message: 'the line repeats the header' })
  },
}
