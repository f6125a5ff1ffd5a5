import type { Check } from '../check.js'

// Whitespace other than TAB (the delimiter) and CR/LF (V21, V22), as `\s` knows it, minus the plain space.
const OTHER_PADDING = /[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/
const EDGE = /^[^\S\t\r\n]|[^\S\t\r\n]$/

/**
 * V25: no field starts or ends with whitespace. Spaces are found with `indexOf` (a line holds few, inside
 * addresses) and only a space next to a TAB or a line end marks a row; other whitespace is so rare that
 * one scan of the line rules it out (in an ASCII block only \v and \f are left to look for), and a block
 * whose bytes hold none of it skips that scan for all its rows.
 */
export const v25SurroundingWhitespace: Check = {
  id: 'V25',
  severity: 'warning',
  title: 'No leading or trailing whitespace in a field',
  onRow(row, line, ctx) {
    const text = row.line
    const file = ctx.file
    const other = file.otherWhitespace && (file.ascii ? text.indexOf('\v') >= 0 || text.indexOf('\f') >= 0 : OTHER_PADDING.test(text))
    if (!other && !hasPaddedSpace(text)) return
    for (let column = 0; column < row.length; column++) {
      if (EDGE.test(row.field(column))) ctx.reportRow(row, line, column, 'the value has leading or trailing whitespace')
    }
  },
}

function hasPaddedSpace(text: string): boolean {
  const last = text.length - 1
  for (let at = text.indexOf(' '); at >= 0; at = text.indexOf(' ', at + 1)) {
    if (at === 0 || at === last || text.charCodeAt(at - 1) === 9 || text.charCodeAt(at + 1) === 9) return true
  }
  return false
}

