import type { Mapping } from '../config/mapping.js'
import type { DeliveredRead, StateStore } from '../state/state-store.js'
import type { OutputRow } from './output-row.js'
import type { RowHashes } from './row-hashes.js'
import type { LayoutFile } from './write-layout-files.js'

const BATCH = 5000

/**
 * Records in the state what a run writes, while it writes: per read its usage hash, service point,
 * account, customer and place (file and line); per service point and account its attribute hash. These
 * become the baseline of the next incremental once the run is accepted, and the index of `search`.
 *
 * Lines are counted the way `writeLayoutFiles` fills its files (a new part after `max_rows_per_file`
 * rows, at a service point boundary), so they are known before the file names are.
 */
export class DeliveryLedger {
  readonly #state: StateStore
  readonly #seq: number
  readonly #hashes: RowHashes
  readonly #limit: number
  #reads: (DeliveredRead & { part: number })[] = []
  #entities = new Map<string, string>()
  #part = 0
  #inPart = 0
  #lastServicePoint: string | undefined

  constructor(state: StateStore, seq: number, mapping: Mapping, hashes: RowHashes) {
    this.#state = state
    this.#seq = seq
    this.#hashes = hashes
    this.#limit = mapping.output.maxRowsPerFile
  }

  /** Passes rows through unchanged, noting each one. */
  async *track(rows: AsyncIterable<OutputRow>): AsyncGenerator<OutputRow> {
    for await (const row of rows) {
      this.#entities.set(this.#hashes.entityKey(row), this.#hashes.entity(row))
      if (row.part !== 'customer') this.#noteRead(row)
      if (this.#entities.size >= BATCH) this.#flushEntities()
      yield row
    }
    this.#flushEntities()
  }

  #noteRead(row: OutputRow): void {
    if (this.#limit > 0 && this.#inPart >= this.#limit && row.servicePointId !== this.#lastServicePoint) {
      this.#part++
      this.#inPart = 0
    }
    this.#inPart++
    this.#lastServicePoint = row.servicePointId
    this.#reads.push({
      part: this.#part,
      readKey: row.readKey,
      readHash: this.#hashes.read(row),
      fileName: '',
      line: this.#inPart + 1,
      servicePointId: row.servicePointId,
      accountId: row.accountId,
      customerId: this.#hashes.customerId(row),
      dateTo: row.dateTo,
      duration: Number(row.duration),
    })
    if (this.#reads.length >= BATCH) this.#flushReads()
  }

  #flushReads(): void {
    if (this.#reads.length === 0) return
    // File names are not known yet: keep the part number in the name until `finish`.
    this.#state.recordDeliveredReads(
      this.#seq,
      this.#reads.map(({ part, ...read }) => ({ ...read, fileName: `#${part}` })),
    )
    this.#reads = []
  }

  #flushEntities(): void {
    if (this.#entities.size === 0) return
    this.#state.recordDeliveredEntities(
      this.#seq,
      [...this.#entities].map(([entityKey, attributeHash]) => ({ entityKey, attributeHash })),
    )
    this.#entities = new Map()
  }

  /** Puts the written files' names on the recorded reads (the usage or full files, in order). */
  finish(files: readonly LayoutFile[]): void {
    this.#flushReads()
    const readFiles = files.filter((file) => file.fileType !== 'customer')
    this.#state.nameDeliveredFiles(
      this.#seq,
      readFiles.map((file) => file.fileName),
    )
  }

  discard(): void {
    this.#state.discardDelivered(this.#seq)
  }
}
