import { DEFAULT_CLEANING_POLICY, type CleaningPolicy } from './cleaning-policy.js'

/**
 * The outcome of cleaning one record. `cleanedColumns` lists the 0-based indexes of the values that were
 * changed (for the run's "cleaned" count); a refusal names the 0-based column and says why, but never
 * quotes the value, which may be a name or an address.
 */
export type CleanResult =
  | { readonly ok: true; readonly values: readonly string[]; readonly cleanedColumns: readonly number[] }
  | { readonly ok: false; readonly column: number; readonly reason: string }

/** One policy for every column, or one per column (index = column; missing entries use the default). */
export type RecordCleaningPolicy = CleaningPolicy | readonly (CleaningPolicy | undefined)[]

// Not global: `test` on a non-global regex keeps no lastIndex state between calls.
const NEEDS_CLEANING = /[\t\r\n\0]/
// CRLF first so that it counts as one line break, not two.
const CLEANABLE = /\r\n|[\t\r\n\0]/g
const NO_COLUMNS: readonly number[] = Object.freeze([])

/**
 * Removes or replaces TAB, CR, LF and NUL in the values of one record, or refuses the record.
 *
 * Runs for every row, so the common case (nothing to clean) costs one regex test per value and returns
 * the input array itself; a copy is made only when a value changes.
 *
 * ```ts
 * cleanRecord(['a\tb', 'x'], DEFAULT_CLEANING_POLICY) // { ok: true, values: ['a b', 'x'], cleanedColumns: [0] }
 * ```
 */
export function cleanRecord(
  values: readonly string[],
  policy: RecordCleaningPolicy = DEFAULT_CLEANING_POLICY,
): CleanResult {
  let cleaned: string[] | undefined
  let cleanedColumns: number[] | undefined
  for (let column = 0; column < values.length; column++) {
    const value = values[column] as string
    if (!NEEDS_CLEANING.test(value)) continue
    const columnPolicy = policyOf(policy, column)
    const reason = rejectionOf(value, columnPolicy)
    if (reason !== undefined) return { ok: false, column, reason }
    cleaned ??= values.slice()
    cleanedColumns ??= []
    cleaned[column] = value.replace(CLEANABLE, (found) => replacementOf(found, columnPolicy))
    cleanedColumns.push(column)
  }
  return { ok: true, values: cleaned ?? values, cleanedColumns: cleanedColumns ?? NO_COLUMNS }
}

function policyOf(policy: RecordCleaningPolicy, column: number): CleaningPolicy {
  if (!isPerColumn(policy)) return policy
  return policy[column] ?? DEFAULT_CLEANING_POLICY
}

function isPerColumn(policy: RecordCleaningPolicy): policy is readonly (CleaningPolicy | undefined)[] {
  return Array.isArray(policy)
}

/** Says which character and where (a character offset, not the text around it). */
function rejectionOf(value: string, policy: CleaningPolicy): string | undefined {
  if (policy.tab === 'reject') {
    const at = value.indexOf('\t')
    if (at >= 0) return `contains a TAB at character ${at + 1} (cleaning policy tab: reject)`
  }
  if (policy.line_break === 'reject') {
    const at = firstIndexOf(value, '\r', '\n')
    if (at >= 0) return `contains a line break (CR or LF) at character ${at + 1} (cleaning policy line_break: reject)`
  }
  if (policy.nul === 'reject') {
    const at = value.indexOf('\0')
    if (at >= 0) return `contains a NUL character at character ${at + 1} (cleaning policy nul: reject)`
  }
  return undefined
}

function firstIndexOf(value: string, a: string, b: string): number {
  const atA = value.indexOf(a)
  const atB = value.indexOf(b)
  if (atA < 0) return atB
  if (atB < 0) return atA
  return Math.min(atA, atB)
}

function replacementOf(found: string, policy: CleaningPolicy): string {
  if (found === '\0') return ''
  const action = found === '\t' ? policy.tab : policy.line_break
  return action === 'space' ? ' ' : ''
}
