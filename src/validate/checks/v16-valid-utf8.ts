import type { Check } from '../check.js'

/** V16: the decompressed bytes are valid UTF-8. */
export const v16ValidUtf8: Check = {
  id: 'V16',
  severity: 'error',
  title: 'The content is valid UTF-8',
  onEnd(ctx) {
    const invalid = ctx.file.content.invalidUtf8
    ctx.reportBulk(
      invalid.count,
      invalid.lines.map((line) => ({ line, message: 'the line is not valid UTF-8 (re-encode the source text as UTF-8)' })),
    )
  },
}
