import type { Check } from '../check.js'

/**
 * V20: every data row has as many TAB-separated fields as the header. A wider row usually means a TAB
 * inside a value; such a row's other fields are not judged (they cannot be told apart).
 */
export const v20RowWidth: Check = {
  id: 'V20',
  severity: 'error',
  title: "Every row has the header's field count",
  wholeLine: true,
  onRow(row, line, ctx) {
    const width = ctx.file.header.length
    if (row.length !== width) {
      ctx.report({ line, message: `${row.length} fields, the header has ${width} (a TAB inside a value shifts columns)` })
    }
  },
}
