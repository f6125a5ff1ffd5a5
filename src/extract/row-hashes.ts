import { hash } from 'node:crypto'
import type { Mapping } from '../config/mapping.js'
import { outputColumns, type OutputRow } from './output-row.js'

/**
 * Fingerprints of a mapped row, compared with what was accepted: the *read* (its usage columns: value,
 * dates, estimate flag, charge) and the *entity* (its service point and account: every customer, account
 * and service point column). Two rows with the same fingerprint load the same way at Opower.
 */
export interface RowHashes {
  read(row: OutputRow): string
  entity(row: OutputRow): string
  /** The entity a row belongs to: its service point and account. */
  entityKey(row: OutputRow): string
  customerId(row: OutputRow): string
}

export function rowHashes(mapping: Mapping): RowHashes {
  const names = outputColumns(mapping)
  const groups = new Map<string, string>()
  for (const spec of mapping.fileSpecs) for (const column of spec.columns) if (!groups.has(column.name) || column.group === 'usage') groups.set(column.name, column.group)
  const usage = names.flatMap((name, index) => (groups.get(name) === 'usage' ? [index] : []))
  const entity = names.flatMap((name, index) => (groups.get(name) !== 'usage' || name === 'service_point_id' ? [index] : []))
  const customer = names.indexOf('customer_id')
  // One-shot hashing and a plain loop: this runs for every read of a run. Same digest as before
  // (SHA-256 of the values joined by TAB, base64url, first 22 characters): accepted runs compare with it.
  const hashOf = (row: OutputRow, indexes: readonly number[]) => {
    let text = indexes.length > 0 ? (row.values[indexes[0]!] ?? '') : ''
    for (let i = 1; i < indexes.length; i++) text += `\t${row.values[indexes[i]!] ?? ''}`
    return hash('sha256', text, 'base64url').slice(0, 22)
  }
  return {
    read: (row) => hashOf(row, usage),
    entity: (row) => hashOf(row, entity),
    entityKey: (row) => `${row.servicePointId}\u0000${row.accountId}`,
    customerId: (row) => (customer >= 0 ? (row.values[customer] ?? '') : ''),
  }
}
