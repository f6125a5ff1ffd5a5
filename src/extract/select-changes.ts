import type { Batches } from '../platform/row-batches.js'
import type { Layout } from '../spec/file-layout.js'
import type { StateStore } from '../state/state-store.js'
import type { ExtractCounts } from './extract-counts.js'
import type { OutputRow } from './output-row.js'
import type { RowHashes } from './row-hashes.js'

export interface SelectChangesOptions {
  readonly state: StateStore
  readonly mappingKey: string
  /** Compare with runs accepted before this sequence number. */
  readonly before: number
  readonly hashes: RowHashes
  readonly layout: Layout
  readonly counts: ExtractCounts
  /** A `--keys` backfill sends every given read, changed or not. */
  readonly sendAll: boolean
}

/**
 * Keeps what the Delivery Team must receive, per service point (rows arrive in spec order):
 * - a read that changed in the window, unless it is identical to the accepted one (duplicate suppression:
 *   the lookback re-reads recent rows and they cost nothing);
 * - for each account whose attributes differ from the accepted ones (move-out, address, name, a new
 *   account): in `single`, its latest read re-sent with the new attributes; in `split`, its customer row.
 * A read is only ever placed under the account that billed it: rows are never moved between accounts.
 */
export async function* selectChanges(rows: Batches<OutputRow>, options: SelectChangesOptions): AsyncGenerator<OutputRow[]> {
  let group: OutputRow[] = []
  for await (const batch of rows) {
    const selected: OutputRow[] = []
    for (const row of batch) {
      if (group.length > 0 && group[0]!.servicePointId !== row.servicePointId) {
        selectInServicePoint(group, options, selected)
        group = []
      }
      group.push(row)
    }
    if (selected.length > 0) yield selected
  }
  const last = group.length > 0 ? selectInServicePoint(group, options, []) : []
  if (last.length > 0) yield last
}

/** Adds what the service point's rows send to `out`, and returns it. */
function selectInServicePoint(group: readonly OutputRow[], options: SelectChangesOptions, out: OutputRow[]): OutputRow[] {
  const { state, mappingKey, before, hashes } = options
  const lastOfAccount = new Map<string, number>()
  group.forEach((row, index) => lastOfAccount.set(row.accountId, index))
  const changedAccounts = new Set<string>()
  for (const [account, index] of lastOfAccount) {
    const row = group[index]!
    if (hashes.entity(row) !== state.acceptedEntityHash(mappingKey, hashes.entityKey(row), before)) changedAccounts.add(account)
  }
  group.forEach((row, index) => {
    const newRead =
      options.sendAll || (row.inWindow !== false && hashes.read(row) !== state.acceptedReadHash(mappingKey, row.readKey, before))
    const carriesAccount = changedAccounts.has(row.accountId) && lastOfAccount.get(row.accountId) === index
    if (!newRead && !carriesAccount) {
      options.counts.suppressed++
      return
    }
    if (options.layout === 'single') out.push(row)
    else out.push(newRead && carriesAccount ? row : { ...row, part: newRead ? 'usage' : 'customer' })
  })
  return out
}
