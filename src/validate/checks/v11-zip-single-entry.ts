import type { Check } from '../check.js'

/** V11: a zip holds exactly one entry, a regular file, and no directories. */
export const v11ZipSingleEntry: Check = {
  id: 'V11',
  severity: 'error',
  title: 'A zip holds exactly one regular file',
  onFileName(_name, ctx) {
    const file = ctx.file
    if (file.container !== 'zip') return
    const entries = file.zipEntries
    const odd = entries.filter((entry) => entry.kind !== 'file')
    if (file.zipEntryCount === 1 && odd.length === 0) return
    const listed = entries.map((entry) => `${JSON.stringify(entry.name)} (${entry.kind})`).join(', ')
    const more = file.zipEntryCount > entries.length ? `, … ${file.zipEntryCount - entries.length} more` : ''
    const validated = file.innerName === undefined ? 'no regular file to validate' : `validated ${JSON.stringify(file.innerName)}`
    ctx.report({
      message: `the zip holds ${file.zipEntryCount} entr${file.zipEntryCount === 1 ? 'y' : 'ies'}: ${listed || 'none'}${more}; ${validated}`,
    })
  },
}
