import type { Mapping } from '../config/mapping.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import { inBatches, type Batches } from '../platform/row-batches.js'
import type { Source, SourceReader, SourceSnapshot } from '../source/create-source.js'
import { mappingKeyOf } from '../state/mapping-key.js'
import { StateStore, type RunWindow } from '../state/state-store.js'
import type { HeldWorkspaceLock } from '../state/workspace-lock.js'
import { AcceptedContinuity } from '../validate/accepted-continuity.js'
import type { Finding, ValidationReport } from '../validate/validation-report.js'
import { nextFileTimestamp } from '../writer/file-timestamp.js'
import { sortRecords } from '../writer/sort-records.js'
import { countReads } from './count-source-reads.js'
import { DeliveryLedger } from './delivery-ledger.js'
import { dropSuperseded } from './drop-superseded.js'
import { emptyCounts, type ExtractCounts } from './extract-counts.js'
import { incrementalFilters } from './incremental-filter.js'
import { incrementalWindow, type IncrementalWindow } from './incremental-window.js'
import { mapReads } from './map-reads.js'
import { openExtractWorkspace } from './open-extract-workspace.js'
import { outputColumns, type OutputRow } from './output-row.js'
import { buildReadQuery, type ReadFilter } from './read-query.js'
import { compareReadRecords, readRecordSpillCodec, toReadRecord, type ReadRecord } from './read-record.js'
import { RejectsFile } from './rejects-file.js'
import { rowHashes } from './row-hashes.js'
import { discardUnlessReconciled, progress, validateWrittenFiles, writeRejects, type HistoricalExtractResult } from './run-historical-extract.js'
import { selectChanges } from './select-changes.js'
import { writeLayoutFiles, type LayoutFile } from './write-layout-files.js'

/** What an incremental run is asked to do: the next window, a past run's window again, or given keys. */
export type IncrementalRequest =
  | { readonly kind: 'next'; readonly endDate: string | undefined }
  | { readonly kind: 'rerun'; readonly runId: string }
  | { readonly kind: 'keys'; readonly reads: readonly string[]; readonly accounts: readonly string[] }

export interface IncrementalExtractOptions {
  readonly mapping: Mapping
  readonly source: Source
  readonly request: IncrementalRequest
  readonly outDir: string
  readonly tmpDir: string
  readonly signal?: AbortSignal
  readonly now?: () => Date
  readonly log: (line: string) => void
  /** The workspace lock when the caller already holds it (`run`, across its steps); otherwise taken and released here. */
  readonly lock?: HeldWorkspaceLock
}

export interface IncrementalExtractResult extends HistoricalExtractResult {
  readonly window: IncrementalWindow
  /** Continuity against accepted runs (V71, V72, V78); errors make the run invalid. */
  readonly continuity: readonly Finding[]
}

/**
 * An incremental: everything new or changed since the last accepted run, selected by change time on the
 * database clock (DESIGN.md "Incremental windows"), minus what is identical to accepted rows, plus the
 * entity changes of the layout. The state moves only when the run is accepted.
 */
export async function runIncrementalExtract(options: IncrementalExtractOptions): Promise<IncrementalExtractResult> {
  const { mapping, log } = options
  const workspace = openExtractWorkspace(mapping, { outDir: options.outDir, command: 'extract --phase incremental', log, heldLock: options.lock })
  const { state } = workspace
  let snapshot: SourceSnapshot | undefined
  try {
    state.discardUnrecordedRows()
    const mappingKey = mappingKeyOf(mapping)
    const seq = state.nextRunSeq()
    const runId = state.nextRunId('incremental')
    const window = await resolveIncrementalWindow(options, state, seq)
    warnAboutPending(state, mappingKey, log)
    snapshot = await options.source.snapshot()
    const source: SourceReader = snapshot
    const counts = emptyCounts()
    const filters = incrementalFilters(mapping, source.dialect, window)
    counts.sourceReadKeys = await countReads(source, mapping, filters)
    log(`${runId}: ${describeWindow(window)}: ${counts.sourceReadKeys} reads to compare with the accepted ones`)

    const hashes = rowHashes(mapping)
    const ledger = new DeliveryLedger(state, seq, mapping, hashes)
    const fanOuts: string[] = []
    const columns = outputColumns(mapping)
    const rejects = new RejectsFile(options.outDir, runId)
    let lastStamp = state.lastFileTimestamp()
    const now = options.now ?? (() => new Date())
    const nextTimestamp = () => (lastStamp = nextFileTimestamp(now(), mapping.timezone, lastStamp))
    const continuity = new AcceptedContinuity((sp) => state.acceptedPeriods(mappingKey, sp, window.baselineBefore))

    const records = inBatches(
      sortRecords(streamReadRecords(source, mapping, filters, counts, options.signal), {
        compare: compareReadRecords,
        tmpDir: options.tmpDir,
        signal: options.signal,
        ...readRecordSpillCodec,
      }),
    )
    const mapped = mapReads(records, {
      mapping,
      fields: buildReadQuery(mapping, source.dialect, filters[0] ?? { from: window.historyFrom, toExclusive: window.historyFrom }).fields,
      columns,
      counts,
      onFanOut: (readKey, what) => {
        if (fanOuts.length < 5) fanOuts.push(`read ${readKey}: ${what}`)
      },
    })
    const selected = selectChanges(dropSuperseded(writeRejects(mapped, rejects, counts), counts), {
      state,
      mappingKey,
      before: window.baselineBefore,
      hashes,
      layout: mapping.layout,
      counts,
      sendAll: window.keys !== undefined,
    })
    const rows = ledger.track(progress(checkContinuity(selected, continuity), counts, log))
    let files: LayoutFile[]
    try {
      files = await writeUnlessEmpty(rows, mapping, { mapping, columns, dir: options.outDir, tmpDir: options.tmpDir, nextTimestamp, signal: options.signal })
    } finally {
      await rejects.close()
    }
    const rejectsFile = await rejects.publish(files[0]?.fileName)
    await snapshot.close()

    await discardUnlessReconciled({ counts, fanOuts, ledger, files, rejectsFile })
    const validated = await validateWrittenFiles(mapping, files, { historyStart: window.historyFrom, phase: 'incremental' })
    const findings = continuity.findings()
    const continuityOk = findings.every((finding) => finding.severity !== 'error')
    const fileOk = (file: (typeof validated)[number]) => continuityOk && (file.validation.ok || isAllowedEmpty(file.validation))
    const valid = validated.every(fileOk) && continuityOk && counts.rejected <= mapping.maxRejects
    ledger.finish(files)
    state.recordRun(
      {
        runId,
        seq,
        phase: 'incremental',
        mappingFile: mapping.file,
        mappingKey,
        createdAt: now().toISOString(),
        windowFrom: window.lower,
        windowTo: window.upper,
        window,
        status: 'generated',
        summary: { counts, valid, continuity: findings, ...(options.request.kind === 'rerun' ? { rerunOf: options.request.runId } : {}) },
        files: validated.map((file) => ({ ...file, valid: fileOk(file) })),
      },
      lastStamp,
    )
    if (files.length === 0) log(`${runId}: nothing changed in the window; no file written (empty_incremental: skip); accept the run to advance the state`)
    return { runId, files: validated, rejectsFile, counts, valid, window, continuity: findings }
  } finally {
    await snapshot?.close().catch(() => {})
    workspace.close()
  }
}

/** The window of a request: the next one after the accepted baseline, a past run's, or a backfill's. */
export async function resolveIncrementalWindow(
  options: Pick<IncrementalExtractOptions, 'request' | 'mapping' | 'source'>,
  state: StateStore,
  seq: number,
): Promise<IncrementalWindow> {
  const { request, mapping } = options
  const mappingKey = mappingKeyOf(mapping)
  if (request.kind === 'rerun') {
    const run = state.run(request.runId)
    if (!run) {
      throw new ToolkitError('STATE_RUN_NOT_FOUND', `there is no run ${request.runId} in this workspace`, { hint: '`opower-extract status` lists the runs' })
    }
    if (run.window?.kind !== 'incremental') {
      throw new ToolkitError('USAGE_INVALID_ARGUMENT', `run ${request.runId} is a ${run.phase} run; --rerun repeats incremental windows`, {
        hint: 'extract a historical again with --phase full and its --end-date',
      })
    }
    return run.window
  }
  const baseline = state.baseline(mappingKey)
  if (!baseline) {
    throw new ToolkitError('STATE_NO_BASELINE', `no full historical of ${mappingKey} has been accepted in ${mapping.output.state}`, {
      hint: 'extract the full historical (--phase full --end-date D), send it, and `accept` it once the Delivery Team approves; incrementals continue from it',
    })
  }
  const historical = baseline.historical.window as Extract<RunWindow, { kind: 'historical' }> | undefined
  const historyFrom = historical?.from ?? baseline.historical.windowFrom
  if (request.kind === 'keys') {
    return { kind: 'incremental', historyFrom, lower: '', upper: '', asOf: undefined, baselineBefore: seq, keys: { reads: request.reads, accounts: request.accounts } }
  }
  const [clock] = await options.source.query(options.source.dialect.currentTimestampQuery(), [])
  return incrementalWindow({
    baseline,
    databaseNow: String(clock?.[0] ?? ''),
    endDate: request.endDate,
    lookbackSeconds: mapping.incremental.lookbackSeconds,
    settleLagSeconds: mapping.incremental.settleLagSeconds,
    seq,
  })
}

function warnAboutPending(state: StateStore, mappingKey: string, log: (line: string) => void): void {
  const pending = state.runs().filter((run) => run.mappingKey === mappingKey && run.phase === 'incremental' && (run.status === 'generated' || run.status === 'sent'))
  if (pending.length > 0) {
    log(`note: ${pending.map((run) => `${run.runId} (${run.status})`).join(', ')} await a verdict; this window starts from the last accepted run and covers theirs again`)
  }
}

/** A human description of the window, for the log and `--dry-run`. */
export function describeWindow(window: IncrementalWindow): string {
  if (window.keys) return `backfill of ${window.keys.reads.length} read keys and ${window.keys.accounts.length} accounts`
  const first = window.asOf ? ` or read dated after ${window.asOf} (first incremental after the historical)` : ''
  return `changed in [${window.lower}, ${window.upper})${first}`
}

async function* streamReadRecords(
  source: SourceReader,
  mapping: Mapping,
  filters: readonly ReadFilter[],
  counts: ExtractCounts,
  signal?: AbortSignal,
): AsyncGenerator<ReadRecord> {
  // --keys runs several filters: a read given both by key and through its account comes once (and was
  // counted by both count queries). Each filter's rows are held apart from the earlier filters' keys.
  const earlier = new Set<string>()
  const track = filters.length > 1 // only a backfill: its keys are few, a window's reads are not kept in memory
  for (const filter of filters) {
    const query = buildReadQuery(mapping, source.dialect, filter)
    const keys = new Set<string>()
    const repeated = new Set<string>()
    for await (const row of source.stream(query.sql, query.bindings, { signal })) {
      const record = toReadRecord(row, query.fields, mapping)
      if (track && earlier.has(record[4])) {
        repeated.add(record[4])
        continue
      }
      if (track) keys.add(record[4])
      yield record
    }
    counts.sourceReadKeys -= repeated.size
    for (const key of keys) earlier.add(key)
  }
}

async function* checkContinuity(rows: Batches<OutputRow>, continuity: AcceptedContinuity): AsyncGenerator<readonly OutputRow[]> {
  let servicePoint: string | undefined
  let reads: { dateTo: string; duration: number; accountId: string }[] = []
  for await (const batch of rows) {
    for (const row of batch) {
      if (row.servicePointId !== servicePoint) {
        if (servicePoint !== undefined) continuity.check(servicePoint, reads)
        servicePoint = row.servicePointId
        reads = []
      }
      if (row.part !== 'customer') reads.push({ dateTo: row.dateTo, duration: Number(row.duration), accountId: row.accountId })
    }
    yield batch
  }
  if (servicePoint !== undefined) continuity.check(servicePoint, reads)
}

async function writeUnlessEmpty(rows: Batches<OutputRow>, mapping: Mapping, options: Parameters<typeof writeLayoutFiles>[1]): Promise<LayoutFile[]> {
  const iterator = rows[Symbol.asyncIterator]()
  let first = await iterator.next()
  while (!first.done && first.value.length === 0) first = await iterator.next()
  if (first.done && mapping.incremental.emptyIncremental === 'skip') return []
  async function* all(): AsyncGenerator<readonly OutputRow[]> {
    if (first.done) return
    yield first.value
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value
  }
  return writeLayoutFiles(all(), options)
}

/** A header-only file (an empty incremental, or a split customer file with no account change) is expected. */
function isAllowedEmpty(report: ValidationReport): boolean {
  return report.rows === 0 && report.findings.every((finding) => finding.severity !== 'error' || finding.rule === 'V26')
}
