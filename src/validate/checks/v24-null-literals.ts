import type { Check } from '../check.js'

const NULL_WORDS = new Set(['null', 'na', 'n/a', '\\n', 'none', 'nan'])
// One scan of the whole line finds candidate rows; only those are split into fields.
const CANDIDATE = /(?:^|\t)(?:null|na|n\/a|\\n|none|nan)(?=\t|$)/i

/** V24: an empty value is an empty string, never a literal such as NULL, NA, N/A, \N, None or nan. */
export const v24NullLiterals: Check = {
  id: 'V24',
  severity: 'error',
  title: 'Empty values are empty strings, not NULL literals',
  onRow(row, line, ctx) {
    if (!CANDIDATE.test(ctx.file.line)) return
    for (let column = 0; column < row.length; column++) {
      const value = row[column] as string
      if (value.length <= 4 && NULL_WORDS.has(value.toLowerCase())) {
        // The literal itself is one of six fixed words, never personal data.
        ctx.reportRow(row, line, column, `${JSON.stringify(value)} stands for an empty value; write an empty string`)
      }
    }
  },
}
