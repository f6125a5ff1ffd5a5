import type { Check } from '../check.js'

/**
 * V21: no field holds a NUL or a CR. (TAB and LF cannot be inside a field once the line is split: they
 * show up as V20 and as a broken row.) A CR not followed by LF is also a stray terminator for V22.
 */
export const v21ControlCharacters: Check = {
  id: 'V21',
  severity: 'error',
  title: 'No field contains NUL or CR',
  wholeLine: true,
  onRow(row, line, ctx) {
    const text = row.line
    if (text.indexOf('\0') < 0 && text.indexOf('\r') < 0) return
    for (let column = 0; column < row.length; column++) {
      const value = row.field(column)
      const nul = value.indexOf('\0')
      const cr = value.indexOf('\r')
      if (nul < 0 && cr < 0) continue
      const what = nul >= 0 ? 'a NUL character' : 'a CR character'
      const at = (nul >= 0 ? nul : cr) + 1
      ctx.reportRow(row, line, column, `the value contains ${what} at position ${at}`)
    }
  },
}
