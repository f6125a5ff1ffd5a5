import type { ChunkedRun, RunFileState, RunRecord, StateStore } from './state-store.js'

/** What `status` shows: the watermark, every run with its lifecycle, pending files, the last accepted delivery. */
export interface WorkspaceStatus {
  readonly mappingKey: string
  /** The accepted full historical incrementals continue from, if any. */
  readonly historical: { readonly runId: string; readonly from: string; readonly asOf: string } | undefined
  /** Where the next incremental starts (before its lookback), and which accepted run set it. */
  readonly watermark: { readonly runId: string; readonly upper: string } | undefined
  readonly lastAcceptedDelivery: { readonly runId: string; readonly deliveredAt: string; readonly ageDays: number } | undefined
  readonly runs: readonly RunRecord[]
  readonly pendingFiles: readonly RunFileState[]
  /** A chunked full historical still being written (not a run yet: nothing of it is sent or searched). */
  readonly unfinished: { readonly runId: string; readonly from: string; readonly asOf: string; readonly chunks: number; readonly chunksDone: number; readonly startedAt: string } | undefined
}

const DAY_MS = 86_400_000

export function workspaceStatus(state: StateStore, mappingKey: string, now: Date): WorkspaceStatus {
  const runs = state.runs().filter((run) => run.mappingKey === mappingKey || run.mappingKey === '')
  const baseline = state.baseline(mappingKey)
  const historical = baseline && {
    runId: baseline.historical.runId,
    from: baseline.historical.window?.kind === 'historical' ? baseline.historical.window.from : baseline.historical.windowFrom,
    asOf: baseline.historical.window?.kind === 'historical' ? baseline.historical.window.end : baseline.historical.windowTo,
  }
  const watermark =
    baseline &&
    historical && {
      runId: baseline.last.runId,
      upper: baseline.last.window?.kind === 'incremental' ? baseline.last.window.upper : `${historical.asOf} end of day (historical as of ${historical.asOf})`,
    }
  const accepted = runs.filter((run) => run.status === 'accepted' && run.phase !== 'sample')
  const last = accepted.at(-1)
  const deliveredAt = last && (last.files.map((file) => file.sentAt ?? '').sort().at(-1) || last.verdictAt)
  return {
    mappingKey,
    historical,
    watermark,
    lastAcceptedDelivery:
      last && deliveredAt ? { runId: last.runId, deliveredAt, ageDays: (now.getTime() - Date.parse(deliveredAt)) / DAY_MS } : undefined,
    runs,
    pendingFiles: state.pendingFiles().filter((file) => runs.some((run) => run.runId === file.runId)),
    unfinished: unfinishedOf(state.unfinishedChunkedRun(mappingKey)),
  }
}

function unfinishedOf(run: ChunkedRun | undefined): WorkspaceStatus['unfinished'] {
  if (!run) return undefined
  return {
    runId: run.runId,
    from: run.windowFrom,
    asOf: run.windowEnd,
    chunks: run.chunks.length,
    chunksDone: run.chunks.filter((chunk) => chunk.done).length,
    startedAt: run.createdAt,
  }
}

/** The status as lines a person reads without the README. */
export function formatWorkspaceStatus(status: WorkspaceStatus, stateDir: string): string[] {
  const lines = [`workspace ${stateDir} (delivery stream ${status.mappingKey})`]
  lines.push(
    status.historical
      ? `baseline: full historical ${status.historical.runId}, reads from ${status.historical.from} as of ${status.historical.asOf} (accepted)`
      : 'baseline: none; an incremental needs an accepted full historical (extract --phase full, send, accept)',
  )
  if (status.watermark) lines.push(`watermark: the next incremental takes changes from ${status.watermark.upper} on (less the lookback), set by ${status.watermark.runId}`)
  lines.push(
    status.lastAcceptedDelivery
      ? `last accepted delivery: ${status.lastAcceptedDelivery.runId}, delivered ${status.lastAcceptedDelivery.deliveredAt} (${status.lastAcceptedDelivery.ageDays.toFixed(1)} days ago)`
      : 'last accepted delivery: none yet',
  )
  lines.push('', 'runs (lifecycle: generated → sent → accepted | rejected; only accepted runs move the state):')
  if (status.runs.length === 0 && !status.unfinished) lines.push('  none')
  for (const run of status.runs) {
    const window = run.window?.kind === 'incremental' ? (run.window.keys ? 'backfill of given keys' : `changes in [${run.window.lower}, ${run.window.upper})`) : `reads ${run.windowFrom} … ${run.windowTo}`
    const sent = run.files.filter((file) => file.sentAt !== undefined).length
    lines.push(`  ${run.runId.padEnd(18)} ${run.status.padEnd(9)} ${run.createdAt.slice(0, 19)}Z  ${window}; ${run.files.length} file(s), ${sent} delivered${run.verdictAt ? `; ${run.status} ${run.verdictAt.slice(0, 19)}Z` : ''}`)
  }
  if (status.unfinished) {
    const u = status.unfinished
    lines.push(
      `  ${u.runId.padEnd(18)} ${'unfinished'.padEnd(9)} ${u.startedAt.slice(0, 19)}Z  reads ${u.from} … ${u.asOf}; ${u.chunksDone} of ${u.chunks} chunk(s) done: run the same extract --phase full again to resume, or add --restart`,
    )
  }
  lines.push('', 'pending files (written, not delivered yet):')
  if (status.pendingFiles.length === 0) lines.push('  none')
  for (const file of status.pendingFiles) lines.push(`  ${file.fileName}  run ${file.runId}, ${file.rows} rows${file.valid ? '' : ', INVALID: never to be sent'}`)
  return lines
}
