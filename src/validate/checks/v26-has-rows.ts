import type { Check } from '../check.js'

/** V26: the file has at least one data row (not judged after a decompression failure: V12 says it all). */
export const v26HasRows: Check = {
  id: 'V26',
  severity: 'error',
  title: 'The file has at least one data row',
  onEnd(ctx) {
    if (ctx.file.rows === 0 && ctx.file.content.decompressError === undefined) ctx.report({ message: 'the file has no data rows' })
  },
}
