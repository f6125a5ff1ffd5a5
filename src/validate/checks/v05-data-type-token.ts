import type { Check } from '../check.js'

/**
 * V05: the data-type token matches the layout the file belongs to. Judged only when the caller says
 * which file it expects (`options.expected`); otherwise the token itself decides the expected header.
 */
export const v05DataTypeToken: Check = {
  id: 'V05',
  severity: 'error',
  title: 'The data-type token matches the layout',
  onFileName(_name, ctx) {
    const expected = ctx.options.expected?.fileType
    if (expected === undefined) return ctx.skip('no expected file type given (options.expected); the name\'s token is taken as is')
    const token = ctx.file.nameParts?.fileType
    if (token === undefined) return ctx.skip('the name has no data-type token (see V01)')
    if (token !== expected) {
      ctx.report({ message: `the data-type token is ${JSON.stringify(token)}, but this is the layout's ${expected} file` })
    }
  },
}
