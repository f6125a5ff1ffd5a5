import type { Check } from '../check.js'

/**
 * V12: the archive decompresses, with matching CRC and size (zlib checks the gzip trailer; the zip reader
 * checks entry size and CRC-32). The rows read before the failure are still validated; the end-of-file
 * rules (V18 without a header, V23, V26) stay silent, since the end was never seen. A zip whose central
 * directory cannot be read never gets here: `validateFile` throws `INPUT_UNREADABLE` for it.
 */
export const v12Decompresses: Check = {
  id: 'V12',
  severity: 'error',
  title: 'The archive decompresses without error',
  onEnd(ctx) {
    const failure = ctx.file.content.decompressError
    if (failure === undefined) return
    const where = failure.afterLine === 0 ? 'before the first line' : `after line ${failure.afterLine}`
    ctx.report({
      line: failure.afterLine + 1,
      message: `decompression failed ${where} (${failure.message}); the rest of the file was not validated`,
    })
  },
}
