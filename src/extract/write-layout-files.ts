import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { once } from 'node:events'
import type { Mapping } from '../config/mapping.js'
import { inBatches, type Batches } from '../platform/row-batches.js'
import type { FileSpec } from '../spec/file-layout.js'
import { buildFileName, type PopulationToken } from '../writer/file-name.js'
import { sortRecords } from '../writer/sort-records.js'
import { spillStringArrayCodec } from '../writer/spill-string-array-codec.js'
import { writeSpecFile, type WrittenSpecFile } from '../writer/write-spec-file.js'
import type { OutputRow } from './output-row.js'

export interface LayoutFile extends WrittenSpecFile {
  readonly fileName: string
  readonly fileType: FileSpec['fileType']
}

export interface WriteLayoutOptions {
  readonly mapping: Mapping
  /** Column names of `OutputRow.values`. */
  readonly columns: readonly string[]
  readonly dir: string
  readonly tmpDir: string
  /** Hands out strictly increasing file timestamps, in load order (a chunk in a worker asks the main thread). */
  readonly nextTimestamp: () => string | Promise<string>
  readonly signal?: AbortSignal
}

/**
 * Writes the files of the mapping's layout from rows in spec order. `single`: `full` files, split after
 * `max_rows_per_file` rows at a service point boundary. `split`: the usage files the same way, and one
 * customer file (its stamp taken first, so it loads first) with one row per service point and account,
 * ordered by service point, then account active date, carrying the attributes of the account's latest read.
 */
export async function writeLayoutFiles(rows: Batches<OutputRow>, options: WriteLayoutOptions): Promise<LayoutFile[]> {
  const { mapping } = options
  if (mapping.layout === 'single') return writeParts(rows, specOf(mapping, 'full'), options)
  const customerStamp = await options.nextTimestamp()
  const spill = await CustomerSpill.create(options)
  try {
    const usage = await writeParts(spill.collect(rows), specOf(mapping, 'usage'), options)
    const customer = await writeOne(inBatches(spill.sorted()), specOf(mapping, 'customer'), customerStamp, options)
    return [customer, ...usage]
  } finally {
    await spill.dispose()
  }
}

function specOf(mapping: Mapping, fileType: FileSpec['fileType']): FileSpec {
  return mapping.fileSpecs.find((spec) => spec.fileType === fileType)!
}

/** Positions of a spec's columns in `OutputRow.values` (a full file may repeat service_point_id). */
function projection(spec: FileSpec, columns: readonly string[]): number[] {
  return spec.columns.map((column) => columns.indexOf(column.name))
}

async function writeParts(rows: Batches<OutputRow>, spec: FileSpec, options: WriteLayoutOptions): Promise<LayoutFile[]> {
  const limit = options.mapping.output.maxRowsPerFile
  const iterator = rows[Symbol.asyncIterator]()
  // The rows not written yet: the rest of the current batch, from `at`.
  let batch: readonly OutputRow[] = []
  let at = 0
  let done = false
  const files: LayoutFile[] = []
  const pick = projection(spec, options.columns)
  try {
    await fill()
    while (!done || files.length === 0) {
      files.push(await writeOne(part(), spec, await options.nextTimestamp(), options))
    }
  } catch (error) {
    // The rows stop here: their source (a database read) is ended now, not left open behind the failure.
    await Promise.resolve(iterator.return?.()).catch(() => {})
    throw error
  }
  return files

  /** Moves on to the next batch that holds rows, or sets `done`. */
  async function fill(): Promise<void> {
    while (!done && at >= batch.length) {
      const next = await iterator.next()
      if (next.done) done = true
      else {
        batch = next.value
        at = 0
      }
    }
  }

  /** The records of one file: up to `max_rows_per_file`, then on to the end of the service point. */
  async function* part(): AsyncGenerator<(readonly string[])[]> {
    let count = 0
    let lastServicePoint: string | undefined
    while (!done) {
      const records: (readonly string[])[] = []
      for (; at < batch.length; at++) {
        const row = batch[at]!
        if (limit > 0 && count >= limit && row.servicePointId !== lastServicePoint) break
        records.push(pick.map((index) => row.values[index]!))
        count++
        lastServicePoint = row.servicePointId
      }
      if (records.length > 0) yield records
      // Stopped inside the batch: the next row starts the next file.
      if (at < batch.length) return
      await fill()
    }
  }
}

async function writeOne(records: Batches<readonly string[]>, spec: FileSpec, timestamp: string, options: WriteLayoutOptions): Promise<LayoutFile> {
  const { mapping } = options
  const fileName = buildFileName({
    utility: mapping.utility,
    population: mapping.population as PopulationToken,
    specVersion: mapping.specVersion,
    fileType: spec.fileType,
    timestamp,
    compression: mapping.output.compression,
  })
  const written = await writeSpecFile(records, { spec, dir: options.dir, fileName, compression: mapping.output.compression, signal: options.signal })
  return { ...written, fileName, fileType: spec.fileType }
}

/** Customer rows of the split layout, collected while the usage file is written, then sorted on disk. */
class CustomerSpill {
  readonly #dir: string
  readonly #path: string
  readonly #options: WriteLayoutOptions
  readonly #pick: number[]
  readonly #activeDate: number

  private constructor(dir: string, options: WriteLayoutOptions) {
    this.#dir = dir
    this.#path = join(dir, 'customers.jsonl')
    this.#options = options
    const spec = specOf(options.mapping, 'customer')
    this.#pick = projection(spec, options.columns)
    this.#activeDate = spec.columns.findIndex((column) => column.name === 'active_date')
  }

  static async create(options: WriteLayoutOptions): Promise<CustomerSpill> {
    return new CustomerSpill(await mkdtemp(join(options.tmpDir, 'customers-')), options)
  }

  /** Passes rows through, keeping the last customer record of each run of rows with one service point and account. */
  async *collect(rows: Batches<OutputRow>): AsyncGenerator<OutputRow[]> {
    const out = createWriteStream(this.#path, { mode: 0o600 })
    let held: { key: string; record: string[] } | undefined
    const flush = async () => {
      if (held && !out.write(`${JSON.stringify(held.record)}\n`)) await once(out, 'drain')
    }
    try {
      for await (const batch of rows) {
        const usage: OutputRow[] = []
        for (const row of batch) {
          if (row.part !== 'usage') {
            const key = `${row.servicePointId}\u0000${row.accountId}`
            if (held && held.key !== key) await flush()
            held = { key, record: this.#pick.map((index) => row.values[index]!) }
          }
          if (row.part !== 'customer') usage.push(row)
        }
        if (usage.length > 0) yield usage
      }
      await flush()
    } finally {
      out.end()
      await once(out, 'close')
    }
  }

  /** The collected records by service point, account active date and account, one per service point and account. */
  async *sorted(): AsyncGenerator<readonly string[]> {
    const spIndex = this.#options.mapping.fileSpecs
      .find((spec) => spec.fileType === 'customer')!
      .columns.findIndex((column) => column.name === 'service_point_id')
    const accountIndex = this.#options.mapping.fileSpecs
      .find((spec) => spec.fileType === 'customer')!
      .columns.findIndex((column) => column.name === 'account_id')
    const keyOf = (record: readonly string[]) => [record[spIndex] ?? '', record[this.#activeDate] ?? '', record[accountIndex] ?? '']
    const compare = (a: string[], b: string[]) => {
      const x = keyOf(a)
      const y = keyOf(b)
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1
      return 0
    }
    let held: string[] | undefined
    for await (const record of sortRecords(readJsonLines(this.#path), { compare, tmpDir: this.#dir, signal: this.#options.signal, ...spillStringArrayCodec })) {
      if (held && (held[spIndex] !== record[spIndex] || held[accountIndex] !== record[accountIndex])) yield held
      held = record
    }
    if (held) yield held
  }

  async dispose(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true })
  }
}

async function* readJsonLines(path: string): AsyncGenerator<string[]> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  for await (const line of lines) if (line) yield JSON.parse(line) as string[]
}
