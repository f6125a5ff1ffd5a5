import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { ToolkitError } from '../errors/toolkit-error.js'

/**
 * Reads the column list from the first line of the Delivery Team's template file (plain text or gzip):
 * tab-separated names, a BOM and a CR at the end are tolerated.
 */
export function readTemplateHeader(path: string): string[] {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  } catch (cause) {
    throw new ToolkitError('SPEC_TEMPLATE_HEADER_INVALID', `cannot read the template file ${path}`, {
      cause,
      hint: 'columns_from must point to the template file the Delivery Team sent (relative to the mapping file)',
    })
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  const firstLine = (text.split('\n', 1)[0] ?? '').replace(/\r$/, '')
  const names = firstLine.split('\t').map((name) => name.trim())
  const problems: string[] = []
  if (names.length < 2) problems.push('the first line is not a tab-separated header')
  names.forEach((name, index) => {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) problems.push(`column ${index + 1} "${name}" is not a column name`)
  })
  if (problems.length) {
    throw new ToolkitError('SPEC_TEMPLATE_HEADER_INVALID', `${path}:1: ${problems.join('; ')}`, {
      hint: 'the first line must hold the column names separated by tabs',
    })
  }
  return names
}
