import type { Check } from '../check.js'
import type { FileNameParts } from '../file-name-parts.js'

// LEGACY-BILLING-SPEC.md §5 without the extension: V10 owns `.gz|.zip`, so a wrong extension is reported once.
const STEM = /^opwr_[a-z0-9]{3,4}_(res|nonres|nonres-smb|nonres-lci)_v?\d+-\d+-\d+_(full|customer|usage)_\d{14}$/
const TEMPLATE = 'opwr_<utility>_<population>_<version>_<full|customer|usage>_<yyyyMMddHHmmss>'

/** V01: the name follows the spec's template. */
export const v01FileNamePattern: Check = {
  id: 'V01',
  severity: 'error',
  title: 'The file name follows the spec template',
  onFileName(name, ctx) {
    const parts = ctx.file.nameParts
    const stem = parts?.stem ?? name.replace(/\.[^.]*$/, '')
    if (STEM.test(stem)) return
    ctx.report({ message: `${JSON.stringify(name)} does not follow ${TEMPLATE}: ${diagnose(parts)}` })
  },
}

function diagnose(parts: FileNameParts | undefined): string {
  if (parts === undefined) return 'it has fewer than six "_"-separated parts'
  if (parts.prefix !== 'opwr') return `the prefix is ${JSON.stringify(parts.prefix)}, expected "opwr"`
  if (!/^[a-z0-9]{3,4}$/.test(parts.utility)) {
    return `the utility code ${JSON.stringify(parts.utility)} is not 3-4 lowercase letters or digits`
  }
  if (!/^(res|nonres|nonres-smb|nonres-lci)$/.test(parts.population)) {
    return `the population ${JSON.stringify(parts.population)} is not res, nonres, nonres-smb or nonres-lci`
  }
  if (!/^v?\d+-\d+-\d+$/.test(parts.version)) {
    return `the version ${JSON.stringify(parts.version)} is not three numbers joined by "-"`
  }
  if (!/^(full|customer|usage)$/.test(parts.fileType)) {
    return `the data type ${JSON.stringify(parts.fileType)} is not full, customer or usage`
  }
  return `the timestamp ${JSON.stringify(parts.timestamp)} is not 14 digits`
}
