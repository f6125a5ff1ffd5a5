import type { Check } from '../check.js'

const NULL_WORDS = new Set(['null', 'na', 'n/a', '\\n', 'none', 'nan'])

/**
 * V24: an empty value is an empty string, never a literal such as NULL, NA, N/A, \N, None or nan. Only
 * fields of 2 to 4 characters starting with `n`, `N` or `\` can be one, so the field's length and first
 * character (known without cutting the field out) rule out almost every field before a string is made.
 */
export const v24NullLiterals: Check = {
  id: 'V24',
  severity: 'error',
  title: 'Empty values are empty strings, not NULL literals',
  onRow(row, line, ctx) {
    const text = row.line
    for (let column = 0; column < row.length; column++) {
      const start = row.start(column)
      const length = row.end(column) - start
      if (length < 2 || length > 4) continue
      const first = text.charCodeAt(start) | 0x20
      if (first !== 0x6e && first !== 0x7c) continue
      const value = row.field(column)
      if (NULL_WORDS.has(value.toLowerCase())) {
        // The literal itself is one of six fixed words, never personal data.
        ctx.reportRow(row, line, column, `${JSON.stringify(value)} stands for an empty value; write an empty string`)
      }
    }
  },
}
