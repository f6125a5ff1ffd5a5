import type { Check } from '../check.js'

interface HeaderState {
  readonly expected: readonly string[]
}

/** V18: the first line is exactly the expected header: same names, order, count and case, no whitespace. */
export const v18Header: Check<HeaderState> = {
  id: 'V18',
  severity: 'error',
  title: 'The first line is the expected header',
  init(ctx) {
    const spec = ctx.file.expected
    if (spec === undefined) ctx.skip('the file type is unknown: give options.expected or a full/customer/usage name')
    return { expected: spec?.columns.map((column) => column.name) ?? [] }
  },
  onHeader(fields, ctx, state) {
    const problem = compare(fields, state.expected)
    if (problem !== undefined) ctx.report({ line: 1, message: problem })
  },
  onEnd(ctx) {
    // After a decompression failure (V12) an absent header says nothing about the file.
    if (!ctx.file.hasHeader && ctx.file.content.decompressError === undefined) ctx.report({ line: 1, message: 'the file is empty: there is no header line' })
  },
}

function compare(actual: readonly string[], expected: readonly string[]): string | undefined {
  const shown = (name: string | undefined): string => JSON.stringify(name ?? '')
  if (actual.length === expected.length) {
    const differing = actual.flatMap((name, i) => (name === expected[i] ? [] : [i]))
    const [first] = differing
    if (first === undefined) return undefined
    const others = differing.length > 1 ? ` (and ${differing.length - 1} more position${differing.length > 2 ? 's' : ''})` : ''
    return `header column ${first + 1} is ${shown(actual[first])}, expected ${shown(expected[first])}${others}`
  }
  const missing = expected.filter((name) => !actual.includes(name))
  const extra = actual.filter((name) => !expected.includes(name))
  const parts = [`the header has ${actual.length} columns, expected ${expected.length}`]
  if (missing.length > 0) parts.push(`missing ${missing.map(shown).join(', ')}`)
  if (extra.length > 0) parts.push(`unexpected ${extra.map(shown).join(', ')}`)
  if (missing.length === 0 && extra.length === 0) parts.push('a column is repeated or left out (check service_point_id: once or twice)')
  return parts.join('; ')
}
