import type { Mapping } from '../config/mapping.js'
import type { Batches } from '../platform/row-batches.js'
import type { DeliveredRead, StateStore } from '../state/state-store.js'
import type { OutputRow } from './output-row.js'
import type { RowHashes } from './row-hashes.js'
import type { LayoutFile } from './write-layout-files.js'

const BATCH = 5000
// Reads go to the state in bigger transactions: each commit of the state is synced to disk.
export const READ_BATCH = 20_000

/**
 * What stands before the part number of a chunk's reads until they are named (`#3.0`, `#3.1`, … for
 * chunk 3): chunks in flight at once under one run keep apart, and each is named or discarded alone.
 */
export function chunkPlaceholder(chunk: number): string {
  return `#${chunk}.`
}

/** The provisional sequence a chunk's entities wait under until it commits (they carry no file name). */
export function chunkEntitySeq(chunk: number): number {
  return -chunk
}

/** Names the parts of the reads recorded under `placeholder` after the written files (the usage or full files, in order). */
export function nameRecordedFiles(state: StateStore, seq: number, files: readonly { readonly fileName: string; readonly fileType: string }[], placeholder = '#'): void {
  const readFiles = files.filter((file) => file.fileType !== 'customer')
  state.nameDeliveredFiles(
    seq,
    readFiles.map((file) => file.fileName),
    placeholder,
  )
}

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
  readonly #entitySeq: number
  readonly #hashes: RowHashes
  readonly #limit: number
  readonly #placeholder: string
  #reads: DeliveredRead[] = []
  #entities = new Map<string, string>()
  /** The last row seen and its entity key: its attribute hash is taken once the entity's rows end. */
  #entityRow: OutputRow | undefined
  #entityKey = ''
  #part = 0
  #partName: string
  #inPart = 0
  #lastServicePoint: string | undefined

  /**
   * `entitySeq`: where entities are recorded while the run goes, when not under `seq` (a chunk keeps its
   * entities apart until it commits, since they carry no file name to tell its rows from earlier chunks').
   * `placeholder`: what precedes the part number of its reads until they are named (see chunkPlaceholder).
   */
  constructor(state: StateStore, seq: number, mapping: Mapping, hashes: RowHashes, entitySeq = seq, placeholder = '#') {
    this.#state = state
    this.#seq = seq
    this.#entitySeq = entitySeq
    this.#hashes = hashes
    this.#limit = mapping.output.maxRowsPerFile
    this.#placeholder = placeholder
    this.#partName = `${placeholder}0`
  }

  /** Passes the batches of rows through unchanged, noting each row. */
  async *track(rows: Batches<OutputRow>): AsyncGenerator<readonly OutputRow[]> {
    for await (const batch of rows) {
      for (const row of batch) {
        this.#noteEntity(row)
        if (row.part !== 'customer') this.#noteRead(row)
        if (this.#entities.size >= BATCH) this.#flushEntities()
      }
      yield batch
    }
    this.#holdEntity()
    this.#flushEntities()
  }

  /**
   * The last row of an entity wins. Rows come by service point, so an entity's rows mostly follow each
   * other: only the last row of each such stretch is hashed, not every row.
   */
  #noteEntity(row: OutputRow): void {
    const key = this.#hashes.entityKey(row)
    if (this.#entityRow !== undefined && key !== this.#entityKey) this.#holdEntity()
    this.#entityRow = row
    this.#entityKey = key
  }

  #holdEntity(): void {
    if (this.#entityRow === undefined) return
    this.#entities.set(this.#entityKey, this.#hashes.entity(this.#entityRow))
    this.#entityRow = undefined
  }

  #noteRead(row: OutputRow): void {
    if (this.#limit > 0 && this.#inPart >= this.#limit && row.servicePointId !== this.#lastServicePoint) {
      this.#part++
      this.#partName = `${this.#placeholder}${this.#part}`
      this.#inPart = 0
    }
    this.#inPart++
    this.#lastServicePoint = row.servicePointId
    this.#reads.push({
      readKey: row.readKey,
      readHash: this.#hashes.read(row),
      // File names are not known yet: the part's placeholder stands in, and `finish` names the part.
      fileName: this.#partName,
      line: this.#inPart + 1,
      servicePointId: row.servicePointId,
      accountId: row.accountId,
      customerId: this.#hashes.customerId(row),
      dateTo: row.dateTo,
      duration: Number(row.duration),
    })
    if (this.#reads.length >= READ_BATCH) this.#flushReads()
  }

  #flushReads(): void {
    if (this.#reads.length === 0) return
    this.#state.recordDeliveredReads(this.#seq, this.#reads)
    this.#reads = []
  }

  #flushEntities(): void {
    if (this.#entities.size === 0) return
    this.#state.recordDeliveredEntities(
      this.#entitySeq,
      [...this.#entities].map(([entityKey, attributeHash]) => ({ entityKey, attributeHash })),
    )
    this.#entities = new Map()
  }

  /** Stores the reads still held, under their parts' placeholders (`nameFiles` names the parts). */
  flush(): void {
    this.#flushReads()
  }

  /** Names the parts of the recorded reads after the written files (the usage or full files, in order). */
  finish(files: readonly LayoutFile[]): void {
    this.#flushReads()
    this.nameFiles(files)
  }

  /** `finish` without the flush, for a caller that names the files inside its own transaction. */
  nameFiles(files: readonly LayoutFile[]): void {
    nameRecordedFiles(this.#state, this.#seq, files, this.#placeholder)
  }

  discard(): void {
    this.#state.discardDelivered(this.#seq)
  }
}
