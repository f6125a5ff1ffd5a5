import type { Check } from '../check.js'
import { archiveBase } from '../file-name-parts.js'

/** V13: the inner file (zip entry, or gzip FNAME when set) is `<archive base>.tsv` or `.txt`. */
export const v13InnerFileName: Check = {
  id: 'V13',
  severity: 'warning',
  title: 'The inner file is named like the archive, .tsv or .txt',
  onFileName(name, ctx) {
    const inner = ctx.file.innerName
    if (inner === undefined || ctx.file.container === 'plain') return
    const base = archiveBase(name)
    // A folder in the entry name counts as a difference: the Delivery Team expects the bare file.
    if (inner === `${base}.tsv` || inner === `${base}.txt`) return
    ctx.report({ message: `the inner file is ${JSON.stringify(inner)}, expected ${JSON.stringify(`${base}.tsv`)} (or .txt)` })
  },
}
