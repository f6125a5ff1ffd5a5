import type { Check } from '../check.js'

/** V17: no UTF-8 byte order mark at the start (the header is read without it, so V18 does not fire too). */
export const v17NoBom: Check = {
  id: 'V17',
  severity: 'warning',
  title: 'There is no UTF-8 BOM',
  onEnd(ctx) {
    if (ctx.file.content.bom) ctx.report({ line: 1, message: 'the file starts with a UTF-8 byte order mark (EF BB BF)' })
  },
}
