import type { Check } from '../check.js'

/**
 * V12: the archive decompresses, with matching CRC and size (zlib checks the gzip trailer; the zip reader
 * checks entry size and CRC-32). A failure before any content could be read makes the file unreadable
 * instead (`INPUT_UNREADABLE`): there is nothing to report on.
 */
export const v12Decompresses: Check = {
  id: 'V12',
  severity: 'error',
  title: 'The archive decompresses without error',
  onEnd(ctx) {
    const failure = ctx.file.content.decompressError
    if (failure === undefined) return
    ctx.report({
      line: failure.afterLine + 1,
      message: `decompression failed after line ${failure.afterLine} (${failure.message}); the rest of the file was not validated`,
    })
  },
}
