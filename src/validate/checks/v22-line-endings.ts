import type { Check } from '../check.js'

/** V22: every line ends the same way, LF (or CRLF when `options.crlf`), and there is no lone CR. */
export const v22LineEndings: Check = {
  id: 'V22',
  severity: 'error',
  title: 'Line endings are uniform, with no lone CR',
  onEnd(ctx) {
    const content = ctx.file.content
    const crlf = ctx.options.crlf
    const wrong = crlf ? content.lf : content.crlf
    const found = crlf ? 'LF' : 'CRLF'
    const wanted = crlf ? 'CRLF (options.crlf is set)' : 'LF'
    ctx.reportBulk(
      wrong.count,
      wrong.lines.map((line) => ({ line, message: `the line ends in ${found}, the file must use ${wanted}` })),
    )
    ctx.reportBulk(
      content.loneCr.count,
      content.loneCr.lines.map((line) => ({ line, message: 'the line holds a CR that is not followed by LF' })),
    )
  },
}
