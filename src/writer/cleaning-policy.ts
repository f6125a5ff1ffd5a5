/**
 * What to do with a character that cannot appear inside a TSV value (LEGACY-BILLING-SPEC.md §3, rule V21):
 * the format has no quoting, so a TAB would shift every later column and a line break would cut the row.
 */
export const CLEANING_ACTIONS = ['space', 'remove', 'reject'] as const
export type CleaningAction = (typeof CLEANING_ACTIONS)[number]

/** NUL has no visible meaning, so turning it into a space is not offered. */
export const NUL_ACTIONS = ['remove', 'reject'] as const
export type NulAction = (typeof NUL_ACTIONS)[number]

/**
 * The cleaning policy of a column (or of a whole mapping), keyed like the mapping YAML.
 *
 * - `tab`: a TAB becomes one space, is removed, or rejects the row;
 * - `line_break`: CR, LF and CRLF (one break, not two) become one space, are removed, or reject the row;
 * - `nul`: a NUL character is removed or rejects the row.
 *
 * ```ts
 * const strict: CleaningPolicy = { tab: 'reject', line_break: 'reject', nul: 'reject' }
 * ```
 */
export interface CleaningPolicy {
  readonly tab: CleaningAction
  readonly line_break: CleaningAction
  readonly nul: NulAction
}

/**
 * Free-text columns (street names, business names) pick up tabs and line breaks from billing screens;
 * turning them into spaces keeps the row, which is what a Delivery Team expects unless told otherwise.
 */
export const DEFAULT_CLEANING_POLICY: CleaningPolicy = Object.freeze({
  tab: 'space',
  line_break: 'space',
  nul: 'remove',
})
