import { rm } from 'node:fs/promises'
import type { Mapping } from '../config/mapping.js'
import type { SecretSources } from '../config/resolve-secrets.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import { keepHeapNearLive } from '../platform/keep-heap-near-live.js'
import type { Batches } from '../platform/row-batches.js'
import type { Source } from '../source/create-source.js'
import { mappingKeyOf } from '../state/mapping-key.js'
import type { NewRun, StateStore } from '../state/state-store.js'
import { validateFile } from '../validate/validate-file.js'
import { defaultValidationOptions } from '../validate/validation-options.js'
import type { ValidationReport } from '../validate/validation-report.js'
import { nextFileTimestamp } from '../writer/file-timestamp.js'
import { compactDate } from './calendar-date.js'
import { DeliveryLedger } from './delivery-ledger.js'
import { extractChunk, type ValidatedFile } from './extract-chunk.js'
import { totalExcluded, type ExtractCounts } from './extract-counts.js'
import type { HistoricalWindow } from './extract-window.js'
import { historicalRunValid } from './historical-run-valid.js'
import type { MappedRead } from './map-reads.js'
import { openExtractWorkspace } from './open-extract-workspace.js'
import type { OutputRow } from './output-row.js'
import type { ReadFilter } from './read-query.js'
import type { RejectsFile } from './rejects-file.js'
import { rowHashes } from './row-hashes.js'
import { runChunkedFullHistorical } from './run-chunked-full-historical.js'
import type { LayoutFile } from './write-layout-files.js'

export type HistoricalPhase = 'sample' | 'full'

export interface HistoricalExtractOptions {
  readonly mapping: Mapping
  readonly source: Source
  readonly phase: HistoricalPhase
  readonly window: HistoricalWindow
  /** For samples: the picked premises (the read query is run per chunk of them). */
  readonly premises?: readonly string[]
  readonly outDir: string
  readonly tmpDir: string
  readonly signal?: AbortSignal
  readonly now?: () => Date
  readonly log: (line: string) => void
  /** Extra facts recorded with the run (sample seed and size). */
  readonly details?: Record<string, unknown>
  /** Full: discard an unfinished chunked run of this mapping instead of resuming it. */
  readonly restart?: boolean
  /** Full, chunks in parallel: what each chunk's own connection resolves `${env:…}` from (as `createSource` was given). */
  readonly secrets?: Omit<SecretSources, 'baseDir'>
}

export interface HistoricalExtractResult {
  readonly runId: string
  readonly files: readonly (LayoutFile & { readonly validation: ValidationReport })[]
  readonly rejectsFile: string | undefined
  readonly counts: ExtractCounts
  readonly valid: boolean
}

/** Premises per read query of a sample: within every database's parameter limit (Oracle IN lists ≤ 1000). */
const PREMISES_PER_QUERY = 900

/**
 * A sample or full historical "as of" the window's end: reads the reads in spec order, maps and writes
 * the layout's files, reconciles the counts and validates every file it wrote. A full historical runs in
 * chunks of service points that a rerun resumes (see runChunkedFullHistorical); a sample in one go.
 */
export async function runHistoricalExtract(options: HistoricalExtractOptions): Promise<HistoricalExtractResult> {
  const { mapping, log } = options
  const workspace = openExtractWorkspace(mapping, { outDir: options.outDir, command: `extract --phase ${options.phase}`, log })
  try {
    workspace.state.discardUnrecordedRows()
    if (options.phase === 'full' && !options.premises) return await runChunkedFullHistorical(options, workspace.state)
    return await runSampleExtract(options, workspace.state)
  } finally {
    workspace.close()
  }
}

async function runSampleExtract(options: HistoricalExtractOptions, state: StateStore): Promise<HistoricalExtractResult> {
  const { mapping, window } = options
  const runId = state.nextRunId(options.phase)
  const seq = state.nextRunSeq()
  let lastStamp = state.lastFileTimestamp()
  const now = options.now ?? (() => new Date())
  const chunk = await extractChunk({
    mapping,
    source: options.source,
    window,
    filters: readFilters(window, options.premises),
    label: runId,
    createLedger: () => new DeliveryLedger(state, seq, mapping, rowHashes(mapping)),
    discardRecorded: () => state.discardDelivered(seq),
    nextTimestamp: () => (lastStamp = nextFileTimestamp(now(), mapping.timezone, lastStamp)),
    outDir: options.outDir,
    tmpDir: options.tmpDir,
    signal: options.signal,
    log: options.log,
  })
  const { files, counts, rejectsFile } = chunk
  const valid = historicalRunValid(files, counts.rejected, mapping.maxRejects)
  chunk.ledger.nameFiles(files)
  state.recordRun(historicalRunRecord(options, { runId, seq, createdAt: now().toISOString(), counts, valid, files }), lastStamp)
  return { runId, files, rejectsFile, counts, valid }
}

/** What the state records of a finished historical. */
export function historicalRunRecord(
  options: Pick<HistoricalExtractOptions, 'mapping' | 'phase' | 'window' | 'details'>,
  run: { readonly runId: string; readonly seq: number; readonly createdAt: string; readonly counts: ExtractCounts; readonly valid: boolean; readonly files: readonly ValidatedFile[]; readonly chunks?: number },
): NewRun & { readonly seq: number } {
  const { mapping, window } = options
  return {
    runId: run.runId,
    seq: run.seq,
    mappingKey: mappingKeyOf(mapping),
    window: { kind: 'historical', from: window.from, end: window.end },
    phase: options.phase,
    mappingFile: mapping.file,
    createdAt: run.createdAt,
    windowFrom: window.from,
    windowTo: window.end,
    status: 'generated',
    summary: { counts: run.counts, valid: run.valid, ...(run.chunks !== undefined && run.chunks > 1 ? { chunks: run.chunks } : {}), ...options.details },
    files: run.files.map((file) => ({ fileName: file.fileName, fileType: file.fileType, rows: file.rows, bytes: file.bytes, sha256: file.sha256, path: file.path, valid: file.validation.ok })),
  }
}

function readFilters(window: HistoricalWindow, premises: readonly string[] | undefined): ReadFilter[] {
  const base = { from: window.from, toExclusive: window.toExclusive }
  if (!premises) return [base]
  const filters: ReadFilter[] = []
  for (let i = 0; i < premises.length; i += PREMISES_PER_QUERY) filters.push({ ...base, premises: premises.slice(i, i + PREMISES_PER_QUERY) })
  return filters.length ? filters : [{ ...base, premises: [''] }]
}

export async function* writeRejects(mapped: Batches<MappedRead>, rejects: RejectsFile, counts: ExtractCounts): AsyncGenerator<OutputRow[]> {
  for await (const batch of mapped) {
    const rows: OutputRow[] = []
    for (const item of batch) {
      if (item.kind === 'row') rows.push(item.row)
      else if (item.kind === 'rejected') {
        counts.rejected++
        await rejects.add(item.rejected)
      }
    }
    if (rows.length > 0) yield rows
  }
}

/** Rows between two looks at the heap. */
const ROWS_PER_HEAP_CHECK = 5000

export async function* progress(rows: Batches<OutputRow>, counts: ExtractCounts, log: (line: string) => void): AsyncGenerator<readonly OutputRow[]> {
  let lastReport = Date.now()
  for await (const batch of rows) {
    for (const row of batch) {
      counts.written++
      if (row.cleaned) counts.cleaned++
      // Memory stays flat however many rows stream through (see keepHeapNearLive).
      if (counts.written % ROWS_PER_HEAP_CHECK === 0) keepHeapNearLive()
    }
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now()
      log(`… ${counts.written} rows written (${counts.rejected} rejected)`)
    }
    yield batch
  }
}

/** Every read key of the window is written, rejected, superseded, suppressed or excluded, once; otherwise the run fails. */
export function reconcile(counts: ExtractCounts, fanOuts: readonly string[]): ToolkitError | undefined {
  if (counts.fanOut > 0) {
    return new ToolkitError('RECONCILIATION_FAILED', `${counts.fanOut} reads have rows that disagree: a join fans out`, {
      details: fanOuts,
      hint: 'a join matches several rows per read (e.g. two main customers of an account); tighten its ON condition',
    })
  }
  const accounted = counts.written + counts.rejected + counts.superseded + counts.suppressed + totalExcluded(counts)
  if (counts.reads !== counts.sourceReadKeys || accounted !== counts.reads) {
    return new ToolkitError(
      'RECONCILIATION_FAILED',
      `the database has ${counts.sourceReadKeys} distinct reads in the window, the stream had ${counts.reads}, and ${accounted} were accounted for (written ${counts.written}, rejected ${counts.rejected}, superseded ${counts.superseded}, suppressed ${counts.suppressed}, excluded ${totalExcluded(counts)})`,
      { hint: 'a read key maps to several service points or read dates (a join fans out), or the data changed during the extract; run again' },
    )
  }
  return undefined
}

/** When a written run does not reconcile, nothing of it stays (files, rejects file, ledger rows) and the run fails. */
export async function discardUnlessReconciled(run: {
  readonly counts: ExtractCounts
  readonly fanOuts: readonly string[]
  readonly ledger: DeliveryLedger
  readonly files: readonly LayoutFile[]
  readonly rejectsFile: string | undefined
}): Promise<void> {
  const problem = reconcile(run.counts, run.fanOuts)
  if (!problem) return
  run.ledger.discard()
  await Promise.all([...run.files.map((file) => rm(file.path, { force: true })), run.rejectsFile ? rm(run.rejectsFile, { force: true }) : undefined])
  throw problem
}

/**
 * The first validation pass over each written file, with the mapping's expectations and the extract's
 * scope: the first day of the history it covers (`YYYY-MM-DD`), and whether it is an incremental, which
 * carries only changed reads, so rules about an account's whole history (V43) do not apply to it.
 */
export async function validateWrittenFiles(
  mapping: Mapping,
  files: readonly LayoutFile[],
  scope: { readonly historyStart: string; readonly phase?: 'incremental' },
): Promise<(LayoutFile & { validation: ValidationReport })[]> {
  const options = { historyStart: compactDate(scope.historyStart), phase: scope.phase }
  const validated: (LayoutFile & { validation: ValidationReport })[] = []
  for (const file of files) validated.push({ ...file, validation: await validateFile(file.path, { ...validationOptionsOf(mapping, file), ...options }) })
  return validated
}

export function validationOptionsOf(mapping: Mapping, file: LayoutFile) {
  return defaultValidationOptions({
    expected: mapping.fileSpecs.find((spec) => spec.fileType === file.fileType),
    servicePointIdInFull: mapping.servicePointIdInFull,
    utility: mapping.utility,
    population: mapping.population,
    allowNonres: mapping.population !== 'res',
    specVersion: mapping.specVersion,
    allowNegativeUsage: mapping.allowNegativeUsage,
    // File-name stamps and "today" are the utility's local time (V08, V38, V60).
    timezone: mapping.timezone,
  })
}
