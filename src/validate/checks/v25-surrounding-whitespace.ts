import type { Check } from '../check.js'

// Whitespace other than TAB (the delimiter) and CR/LF (V21, V22) at the start or end of a field.
const CANDIDATE = /(?:^|\t)[^\S\t\r\n]|[^\S\t\r\n](?:\t|$)/
const EDGE = /^[^\S\t\r\n]|[^\S\t\r\n]$/

/** V25: no field starts or ends with whitespace. */
export const v25SurroundingWhitespace: Check = {
  id: 'V25',
  severity: 'warning',
  title: 'No leading or trailing whitespace in a field',
  onRow(row, line, ctx) {
    if (!CANDIDATE.test(ctx.file.line)) return
    for (let column = 0; column < row.length; column++) {
      const value = row[column] as string
      if (EDGE.test(value)) ctx.reportRow(row, line, column, 'the value has leading or trailing whitespace')
    }
  },
}
