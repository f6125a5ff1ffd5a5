import type { Mapping } from '../config/mapping.js'

/**
 * A mapped read: one value per column of `outputColumns(mapping)` (every column of the layout once), plus
 * the keys the writer, rejects file and reconciliation need.
 */
export interface OutputRow {
  readonly values: string[]
  readonly readKey: string
  readonly servicePointId: string
  readonly accountId: string
  readonly dateTo: string
  readonly duration: string
  readonly cleaned: boolean
  /** Incremental: whether the read changed within the window (false: only its account changed). */
  readonly inWindow?: boolean
  /**
   * Split layout: which file the row goes to. Absent: both (a usage row, and the customer row of its
   * service point and account).
   */
  readonly part?: 'usage' | 'customer'
}

/** A read that could not be written, with what the rejects file shows (keys and reason, no personal data). */
export interface RejectedRead {
  readonly readKey: string
  readonly servicePointId: string
  readonly accountId: string
  readonly dateTo: string
  readonly column: string
  readonly reason: string
}

/** Every column of the layout once, in first-appearance order. */
export function outputColumns(mapping: Mapping): string[] {
  return [...mapping.columns.keys()]
}
