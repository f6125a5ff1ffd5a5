import type { Check } from '../check.js'
import type { Container } from '../open-spec-file.js'

const EXTENSION_OF: Record<Container, string | undefined> = { gzip: 'gz', zip: 'zip', plain: undefined }

/**
 * V10: the extension is `.gz` or `.zip`, and the content really is what the extension says (judged by
 * magic bytes: an uncompressed file is never sent, whatever its name).
 */
export const v10CompressedExtension: Check = {
  id: 'V10',
  severity: 'error',
  title: 'The file is compressed, as .gz or .zip',
  onFileName(name, ctx) {
    const extension = ctx.file.nameParts?.extension ?? (name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '')
    const actual = EXTENSION_OF[ctx.file.container]
    const shownExtension = extension === '' ? 'no extension' : `the extension .${extension}`
    if (extension !== 'gz' && extension !== 'zip') {
      const content = actual === undefined ? 'and the content is not compressed' : `(the content is ${ctx.file.container})`
      ctx.report({ message: `${shownExtension} is not .gz or .zip ${content}` })
    } else if (actual === undefined) {
      ctx.report({ message: `the name ends in .${extension} but the content is not compressed` })
    } else if (actual !== extension) {
      ctx.report({ message: `the name ends in .${extension} but the content is a ${ctx.file.container} archive` })
    }
  },
}
