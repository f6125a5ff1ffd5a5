import type { Check } from '../check.js'

/**
 * V23: the file ends with a line terminator and has no blank lines. Blank lines are not rows: no other
 * rule sees them. After a decompression error (V12) the end of the file is unknown, so it is not judged.
 */
export const v23FinalNewline: Check = {
  id: 'V23',
  severity: 'warning',
  title: 'The file ends with a line terminator and has no blank lines',
  onEnd(ctx) {
    const content = ctx.file.content
    if (content.missingFinalNewline && content.decompressError === undefined) {
      ctx.report({ line: content.lines, message: 'the last line has no line terminator' })
    }
    ctx.reportBulk(
      content.blank.count,
      content.blank.lines.map((line) => ({ line, message: 'blank line' })),
    )
  },
}
