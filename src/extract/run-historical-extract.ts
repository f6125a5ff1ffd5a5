import { rm } from 'node:fs/promises'
import type { Mapping } from '../config/mapping.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { Source, SourceReader, SourceSnapshot } from '../source/create-source.js'
import { mappingKeyOf } from '../state/mapping-key.js'
import { validateFile } from '../validate/validate-file.js'
import { defaultValidationOptions } from '../validate/validation-options.js'
import type { ValidationReport } from '../validate/validation-report.js'
import { nextFileTimestamp } from '../writer/file-timestamp.js'
import { sortRecords } from '../writer/sort-records.js'
import { compactDate } from './calendar-date.js'
import { DeliveryLedger } from './delivery-ledger.js'
import { dropSuperseded } from './drop-superseded.js'
import { emptyCounts, totalExcluded, type ExtractCounts } from './extract-counts.js'
import type { HistoricalWindow } from './extract-window.js'
import { mapReads, type MappedRead } from './map-reads.js'
import { openExtractWorkspace } from './open-extract-workspace.js'
import { outputColumns, type OutputRow } from './output-row.js'
import { buildReadCountQuery, buildReadQuery, type ReadFilter } from './read-query.js'
import { compareReadRecords, readRecordSpillCodec, toReadRecord, type ReadRecord } from './read-record.js'
import { RejectsFile } from './rejects-file.js'
import { rowHashes } from './row-hashes.js'
import { writeLayoutFiles, type LayoutFile } from './write-layout-files.js'

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
 * A sample or full historical "as of" the window's end: streams the reads, sorts them in spec order on
 * disk, maps and writes the layout's files, reconciles the counts and validates every file it wrote.
 */
export async function runHistoricalExtract(options: HistoricalExtractOptions): Promise<HistoricalExtractResult> {
  const { mapping, window, log } = options
  const workspace = openExtractWorkspace(mapping, { outDir: options.outDir, command: `extract --phase ${options.phase}`, log })
  const { state } = workspace
  // Counts and reads see one consistent state of the database, so reconciliation compares like with like.
  let snapshot: SourceSnapshot | undefined
  try {
    snapshot = await options.source.snapshot()
    const source: SourceReader = snapshot
    const runId = state.nextRunId(options.phase)
    const seq = state.nextRunSeq()
    state.discardUnrecordedRows()
    const ledger = new DeliveryLedger(state, seq, mapping, rowHashes(mapping))
    const counts = emptyCounts()
    const filters = readFilters(window, options.premises)
    for (const filter of filters) {
      const count = buildReadCountQuery(mapping, source.dialect, filter)
      const [row] = await source.query(count.sql, count.bindings)
      counts.sourceReadKeys += Number(row?.[0] ?? 0)
    }
    log(`${runId}: ${counts.sourceReadKeys} reads with date_to in [${window.from}, ${window.end}]`)

    const fanOuts: string[] = []
    const columns = outputColumns(mapping)
    const rejects = new RejectsFile(options.outDir, runId)
    let lastStamp = state.lastFileTimestamp()
    const now = options.now ?? (() => new Date())
    const nextTimestamp = () => (lastStamp = nextFileTimestamp(now(), mapping.timezone, lastStamp))

    const records = sortRecords(streamReadRecords(source, mapping, filters, options.signal), {
      compare: compareReadRecords,
      tmpDir: options.tmpDir,
      signal: options.signal,
      ...readRecordSpillCodec,
    })
    const mapped = mapReads(records, {
      mapping,
      fields: buildReadQuery(mapping, source.dialect, filters[0]!).fields,
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
      files = await writeLayoutFiles(ledger.track(rows), { mapping, columns, dir: options.outDir, tmpDir: options.tmpDir, nextTimestamp, signal: options.signal })
    } finally {
      await rejects.close()
    }
    const rejectsFile = await rejects.publish(files[0]?.fileName)
    await snapshot.close()

    await discardUnlessReconciled({ counts, fanOuts, ledger, files, rejectsFile })
    const validated = await validateWrittenFiles(mapping, files, { historyStart: window.from })
    const valid = validated.every((file) => file.validation.ok) && counts.rejected <= mapping.maxRejects
    ledger.finish(files)
    state.recordRun(
      {
        runId,
        seq,
        mappingKey: mappingKeyOf(mapping),
        window: { kind: 'historical', from: window.from, end: window.end },
        phase: options.phase,
        mappingFile: mapping.file,
        createdAt: now().toISOString(),
        windowFrom: window.from,
        windowTo: window.end,
        status: 'generated',
        summary: { counts, valid, ...options.details },
        files: validated.map((file) => ({ ...file, valid: file.validation.ok })),
      },
      lastStamp,
    )
    return { runId, files: validated, rejectsFile, counts, valid }
  } finally {
    // After a failure: closes (destroys) the connection; the failure itself is what the caller needs.
    await snapshot?.close().catch(() => {})
    workspace.close()
  }
}

function readFilters(window: HistoricalWindow, premises: readonly string[] | undefined): ReadFilter[] {
  const base = { from: window.from, toExclusive: window.toExclusive }
  if (!premises) return [base]
  const filters: ReadFilter[] = []
  for (let i = 0; i < premises.length; i += PREMISES_PER_QUERY) filters.push({ ...base, premises: premises.slice(i, i + PREMISES_PER_QUERY) })
  return filters.length ? filters : [{ ...base, premises: [''] }]
}

async function* streamReadRecords(source: SourceReader, mapping: Mapping, filters: readonly ReadFilter[], signal?: AbortSignal): AsyncGenerator<ReadRecord> {
  for (const filter of filters) {
    const query = buildReadQuery(mapping, source.dialect, filter)
    for await (const row of source.stream(query.sql, query.bindings, { signal })) yield toReadRecord(row, query.fields, mapping)
  }
}

export async function* writeRejects(mapped: AsyncIterable<MappedRead>, rejects: RejectsFile, counts: ExtractCounts): AsyncGenerator<OutputRow> {
  for await (const item of mapped) {
    if (item.kind === 'row') yield item.row
    else if (item.kind === 'rejected') {
      counts.rejected++
      await rejects.add(item.rejected)
    }
  }
}

export async function* progress(rows: AsyncIterable<OutputRow>, counts: ExtractCounts, log: (line: string) => void): AsyncGenerator<OutputRow> {
  let lastReport = Date.now()
  for await (const row of rows) {
    counts.written++
    if (row.cleaned) counts.cleaned++
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now()
      log(`… ${counts.written} rows written (${counts.rejected} rejected)`)
    }
    yield row
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
