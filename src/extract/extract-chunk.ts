import { readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Mapping } from '../config/mapping.js'
import type { Source, SourceSnapshot } from '../source/create-source.js'
import type { StateStore } from '../state/state-store.js'
import type { ValidationReport } from '../validate/validation-report.js'
import { parseFileName } from '../writer/file-name.js'
import { compactDate } from './calendar-date.js'
import { chunkEntitySeq, chunkPlaceholder, DeliveryLedger } from './delivery-ledger.js'
import { startReadCount } from './count-source-reads.js'
import { dropSuperseded } from './drop-superseded.js'
import { emptyCounts, type ExtractCounts } from './extract-counts.js'
import type { HistoricalWindow } from './extract-window.js'
import { mapReads } from './map-reads.js'
import { outputColumns } from './output-row.js'
import { buildReadQuery, type ReadFilter } from './read-query.js'
import { DatabaseOrderMismatch, readRecordsInSpecOrder, type SortPlace } from './read-records-in-spec-order.js'
import { RejectsFile } from './rejects-file.js'
import { rowHashes } from './row-hashes.js'
import { progress, reconcile, validateWrittenFiles, writeRejects } from './run-historical-extract.js'
import { writeLayoutFiles, type LayoutFile } from './write-layout-files.js'

export interface ChunkRequest {
  readonly mapping: Mapping
  readonly source: Source
  readonly window: HistoricalWindow
  /** The reads of the chunk: a service point range, or a sample's premise lists. */
  readonly filters: readonly ReadFilter[]
  /** Names the chunk in log lines and its temporary rejects file, e.g. `full-0003` or `full-0003 chunk 2/12`. */
  readonly label: string
  /** A fresh ledger for an attempt (recording under the run's sequence). */
  readonly createLedger: () => DeliveryLedger
  /** Forgets what a failed attempt recorded in the state, so the chunk can simply run again. */
  readonly discardRecorded: () => void
  /** Hands out strictly increasing file timestamps (shared by the run's chunks, across threads too). */
  readonly nextTimestamp: () => string | Promise<string>
  readonly outDir: string
  readonly tmpDir: string
  readonly signal?: AbortSignal
  readonly log: (line: string) => void
}

/**
 * Where the rows of chunk `chunk` of run `seq` wait in the state until it commits: its reads under its own
 * placeholder (`#<chunk>.<part>`, so chunks in flight at once keep apart), its entities under the
 * provisional sequence `chunkEntitySeq` (they carry no file name to tell them from earlier chunks').
 */
export function chunkRecording(state: StateStore, seq: number, mapping: Mapping, chunk: number): Pick<ChunkRequest, 'createLedger' | 'discardRecorded'> {
  const placeholder = chunkPlaceholder(chunk)
  const entitySeq = chunkEntitySeq(chunk)
  return {
    createLedger: () => new DeliveryLedger(state, seq, mapping, rowHashes(mapping), entitySeq, placeholder),
    discardRecorded: () => state.discardUncommittedChunk(seq, entitySeq, placeholder),
  }
}

export type ValidatedFile = LayoutFile & { readonly validation: ValidationReport }

export interface ChunkOutput {
  readonly files: readonly ValidatedFile[]
  readonly rejectsFile: string | undefined
  readonly counts: ExtractCounts
  /** Holds the chunk's reads until the caller names their parts (`nameFiles`) where it commits the chunk. */
  readonly ledger: DeliveryLedger
}

/**
 * One chunk of a historical in its own short snapshot: counts its reads, reads them in spec order, maps
 * and writes its file(s) (`max_rows_per_file` applies within the chunk), reconciles and validates them.
 * A chunk that fails leaves nothing behind (files, rejects, state rows), so it can be run again as is.
 */
export async function extractChunk(request: ChunkRequest): Promise<ChunkOutput> {
  try {
    return await extractChunkSortedIn(request.mapping.source.sort, request)
  } catch (error) {
    if (!(error instanceof DatabaseOrderMismatch)) throw error
    // The attempt left nothing behind: the same chunk again, sorted by the extract itself.
    request.log(`${request.label}: ${error.message}; sorting on disk instead (source.sort: disk skips the database's sort)`)
    return extractChunkSortedIn('disk', request)
  }
}

async function extractChunkSortedIn(sortIn: SortPlace, request: ChunkRequest): Promise<ChunkOutput> {
  const { mapping, window, filters, log } = request
  const counts = emptyCounts()
  const stamps = new Set<string>()
  const nextTimestamp = async () => {
    const stamp = await request.nextTimestamp()
    stamps.add(stamp)
    return stamp
  }
  const rejects = new RejectsFile(request.outDir, request.label)
  let snapshot: SourceSnapshot | undefined
  let rejectsFile: string | undefined
  try {
    // Counts and reads see one consistent state of the database, so reconciliation compares like with like.
    snapshot = await request.source.snapshot()
    const readCount = await startReadCount(snapshot, mapping, filters)
    const logCount = (count: number) => log(`${request.label}: ${count} reads with date_to in [${window.from}, ${window.end}]`)
    if (readCount.known !== undefined) logCount(readCount.known)

    const ledger = request.createLedger()
    const fanOuts: string[] = []
    const columns = outputColumns(mapping)
    const records = readRecordsInSpecOrder(snapshot, mapping, filters, { sortIn, tmpDir: request.tmpDir, signal: request.signal })
    const mapped = mapReads(records, {
      mapping,
      fields: buildReadQuery(mapping, snapshot.dialect, filters[0]!).fields,
      columns,
      asOf: compactDate(window.end),
      counts,
      onFanOut: (readKey, what) => {
        if (fanOuts.length < 5) fanOuts.push(`read ${readKey}: ${what}`)
      },
    })
    const rows = progress(dropSuperseded(writeRejects(mapped, rejects, counts), counts), counts, log)
    let files: LayoutFile[]
    try {
      files = await writeLayoutFiles(ledger.track(rows), { mapping, columns, dir: request.outDir, tmpDir: request.tmpDir, nextTimestamp, signal: request.signal })
    } finally {
      await rejects.close()
    }
    rejectsFile = await rejects.publish(files[0]?.fileName)
    await snapshot.close()
    counts.sourceReadKeys = await readCount.result()
    if (readCount.known === undefined) logCount(counts.sourceReadKeys)

    // Not reconciled: nothing of the chunk stays (the catch below removes its files and rows).
    const problem = reconcile(counts, fanOuts)
    if (problem) throw problem
    const validated = await validateWrittenFiles(mapping, files, { historyStart: window.from })
    ledger.flush()
    return { files: validated, rejectsFile, counts, ledger }
  } catch (error) {
    await rejects.discard().catch(() => {})
    await removeAttemptFiles(request.outDir, mapping, stamps, rejectsFile)
    request.discardRecorded()
    throw error
  } finally {
    // After a failure: closes (destroys) the connection; the failure itself is what the caller needs.
    await snapshot?.close().catch(() => {})
  }
}

/** The spec files (complete or not) an attempt stamped, and its rejects file. */
export async function removeAttemptFiles(dir: string, mapping: Mapping, stamps: ReadonlySet<string>, rejectsFile: string | undefined): Promise<void> {
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  const mine = names.filter((name) => {
    const parts = parseFileName(name)
    return parts !== null && parts.utility === mapping.utility && parts.population === mapping.population && stamps.has(parts.timestamp)
  })
  await Promise.all([...mine.map((name) => rm(join(dir, name), { force: true })), rejectsFile ? rm(rejectsFile, { force: true }) : undefined])
}
