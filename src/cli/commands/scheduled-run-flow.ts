import { writeFileSync } from 'node:fs'
import type { Mapping } from '../../config/mapping.js'
import { createDeliveryTarget } from '../../deliver/create-delivery-target.js'
import { runFailureHook } from '../../deliver/run-failure-hook.js'
import { fileToSend, sendFiles, type SendResult } from '../../deliver/send-files.js'
import { categoryOf } from '../../errors/error-codes.js'
import { EXIT_CODES } from '../../errors/exit-codes.js'
import { isToolkitError, ToolkitError } from '../../errors/toolkit-error.js'
import { describeWindow, runIncrementalExtract, type IncrementalExtractResult } from '../../extract/run-incremental-extract.js'
import { createSource } from '../../source/create-source.js'
import { acceptOnDelivery } from '../../state/accept-on-delivery.js'
import { StateStore } from '../../state/state-store.js'
import { holdWorkspaceLock, type HeldWorkspaceLock } from '../../state/workspace-lock.js'
import type { RunContext } from '../run-context.js'

export interface ScheduledRunOptions {
  readonly endDate: string | undefined
  readonly summaryFile: string | undefined
}

/**
 * `run --phase incremental`: extract → validate → send (→ accepted on delivery in production mode), for
 * schedulers. Nothing is sent when the extract fails validation or rejects too many rows. A JSON summary
 * (counts, files, window, the error code on failure; no names, addresses or secrets) is written either way,
 * and the mapping's `on_failure` command is started on failure. The error then reaches `cli/main.ts`,
 * which sets the exit code. One workspace lock is held from the extract to the acceptance, so no `send`,
 * `accept`, `reject` or extract can change the state between the steps; it is released before
 * `on_failure` starts, so the hook may run commands on the workspace.
 */
export async function scheduledRunFlow(context: RunContext, mapping: Mapping, options: ScheduledRunOptions): Promise<void> {
  const delivery = mapping.delivery
  if (!delivery) {
    throw new ToolkitError('DELIVERY_NOT_CONFIGURED', `${mapping.file} has no delivery section: run cannot send`, { hint: 'README.md "Delivery" shows one' })
  }
  const startedAt = new Date().toISOString()
  const summary: Record<string, unknown> = { command: 'run', phase: 'incremental', mapping: mapping.file, startedAt }
  // Taken before the try: a run locked out by another one fails fast and leaves its summary and state alone.
  const lock = holdWorkspaceLock(mapping.output.state, 'run --phase incremental', (owner) =>
    context.output.log(`taking over a stale workspace lock of pid ${owner.pid} (${owner.command}, ${owner.started})`),
  )
  try {
    await runSteps(context, mapping, options, lock, summary)
    summary.outcome = 'ok'
  } catch (error) {
    lock.release()
    const code = isToolkitError(error) ? error.code : 'INTERNAL'
    const exitCode = isToolkitError(error) ? EXIT_CODES[categoryOf(error.code)] : EXIT_CODES.internal
    Object.assign(summary, { outcome: 'failed', errorCode: code, exitCode, message: (error as Error).message })
    writeSummary(options.summaryFile, summary)
    if (delivery.onFailure) {
      await runFailureHook(delivery.onFailure, { exitCode, errorCode: code, message: (error as Error).message, summaryFile: options.summaryFile }, { env: context.env, log: context.output.log })
    }
    throw error
  } finally {
    lock.release()
  }
  summary.finishedAt = new Date().toISOString()
  writeSummary(options.summaryFile, summary)
}

async function runSteps(context: RunContext, mapping: Mapping, options: ScheduledRunOptions, lock: HeldWorkspaceLock, summary: Record<string, unknown>): Promise<void> {
  const delivery = mapping.delivery!
  const extracted = await extractStep(context, mapping, options.endDate, lock)
  summary.extract = extractSummary(extracted)
  if (extracted.counts.rejected > mapping.maxRejects) {
    throw new ToolkitError('REJECTS_OVER_LIMIT', `${extracted.counts.rejected} rows were rejected (max_rejects ${mapping.maxRejects}); nothing was sent; see ${extracted.rejectsFile}`, {
      hint: 'fix the data or the mapping, or raise max_rejects if the Delivery Team agrees',
    })
  }
  if (!extracted.valid) {
    throw new ToolkitError('VALIDATION_FAILED', `run ${extracted.runId} does not pass validation or continuity; nothing was sent`, {
      hint: '`opower-extract validate` on the files shows each rule with examples; fix the data or mapping, the next run repeats the window',
    })
  }
  const state = StateStore.open(mapping.output.state)
  try {
    if (extracted.files.length === 0) {
      context.output.result(`run ${extracted.runId}: no new or changed rows; nothing to send`)
      // An empty completed run still advances the state; in production mode that is its acceptance.
      if (delivery.production && acceptOnDelivery(state, extracted.runId, new Date())) context.output.result(`run ${extracted.runId}: accepted (production mode)`)
    } else {
      const sent = await sendStep(context, mapping, state, extracted)
      summary.delivery = { files: sent.files.map(({ fileName, remotePath, bytes, outcome, attempts, production }) => ({ fileName, remotePath, bytes, outcome, attempts, production })), runsSent: sent.runsSent, runsAccepted: sent.runsAccepted }
    }
  } finally {
    state.close()
  }
}

async function extractStep(context: RunContext, mapping: Mapping, endDate: string | undefined, lock: HeldWorkspaceLock): Promise<IncrementalExtractResult> {
  const source = createSource(mapping, { env: context.env })
  try {
    const result = await runIncrementalExtract({
      mapping,
      source,
      request: { kind: 'next', endDate },
      outDir: mapping.output.folder,
      tmpDir: context.tmpDir,
      signal: context.abort.signal,
      log: context.output.log,
      lock,
    })
    context.output.result(`run ${result.runId}: window ${describeWindow(result.window)}, ${result.counts.written} rows in ${result.files.length} file(s), ${result.valid ? 'valid' : 'NOT valid'}`)
    return result
  } finally {
    await source.close()
  }
}

async function sendStep(context: RunContext, mapping: Mapping, state: StateStore, extracted: IncrementalExtractResult): Promise<SendResult> {
  const target = createDeliveryTarget(mapping.delivery!, { env: context.env, baseDir: mapping.dir }, mapping.file)
  try {
    const files = await Promise.all(extracted.files.map((file) => fileToSend(state, file.path)))
    const result = await sendFiles(target, mapping, state, files, {
      force: false,
      confirmHistoricalToProduction: false,
      signal: context.abort.signal,
      log: context.output.log,
    })
    for (const file of result.files) context.output.result(`${file.fileName} → ${target.label}${file.remotePath}: ${file.outcome}`)
    for (const runId of result.runsAccepted) context.output.result(`run ${runId}: accepted on delivery to the production folder`)
    return result
  } finally {
    await target.close()
  }
}

function extractSummary(result: IncrementalExtractResult): Record<string, unknown> {
  return {
    runId: result.runId,
    window: result.window,
    counts: result.counts,
    valid: result.valid,
    files: result.files.map((file) => ({ fileName: file.fileName, rows: file.rows, bytes: file.bytes, sha256: file.sha256, valid: file.validation.ok })),
  }
}

function writeSummary(file: string | undefined, summary: Record<string, unknown>): void {
  if (file) writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 })
}
