/** The four column groups of the Legacy Billing spec, in file order. */
export const COLUMN_GROUPS = ['customer', 'account', 'service_point', 'usage'] as const
export type ColumnGroup = (typeof COLUMN_GROUPS)[number]

/** How a value of the column is checked: every value in a file is text, this says which text is valid. */
export const VALUE_KINDS = ['string', 'date', 'decimal', 'integer', 'enum'] as const
export type ValueKind = (typeof VALUE_KINDS)[number]

/**
 * How sure we are of a column:
 * - `confirmed`: name, position and attributes read in the spec;
 * - `name_only`: name and position read, attributes cut off in the readable copy;
 * - `provisional`: the name exists in the spec's version history, its position is unknown (kept at the
 *   end of its group; a real mapping must confirm it with the Delivery Team's template header);
 * - `template`: taken from the Delivery Team's template header, not from the spec pack.
 */
export const COLUMN_STATUSES = ['confirmed', 'name_only', 'provisional', 'template'] as const
export type ColumnStatus = (typeof COLUMN_STATUSES)[number]

/** One column of a spec file, with what the spec says about its values. */
export interface SpecColumn {
  readonly name: string
  readonly group: ColumnGroup
  readonly kind: ValueKind
  readonly required: boolean
  readonly status: ColumnStatus
  /** For `enum` columns. */
  readonly allowedValues?: readonly string[]
  /** Inclusive numeric bounds for `decimal` and `integer` columns. */
  readonly min?: number
  readonly max?: number
  /** Exact character length (for example the 2-letter state). */
  readonly exactLength?: number
  readonly note?: string
}
