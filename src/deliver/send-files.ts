import { createHash } from 'node:crypto'
import { createReadStream, existsSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Mapping } from '../config/mapping.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import { makeOwnerOnlyDir, restrictToOwner } from '../platform/restrict-to-owner.js'
import { acceptOnDelivery } from '../state/accept-on-delivery.js'
import type { RunFileState, StateStore } from '../state/state-store.js'
import { localTimestamp } from '../writer/file-timestamp.js'
import { parseFileName } from '../writer/file-name.js'
import { archiveSentFile } from './archive-sent-file.js'
import { deliverFile, type Delivered } from './deliver-file.js'
import { chooseDeliveryFolder, DELIVERY_PHASES, type DeliveryPhase } from './delivery-folder.js'
import type { DeliveryTarget } from './delivery-target.js'
import { buildTransferManifest } from './transfer-manifest.js'

/** A file of the ledger to send, with the local path it is read from. */
export interface FileToSend {
  readonly ledger: RunFileState
  readonly localPath: string
}

export interface SendOptions {
  readonly force: boolean
  readonly confirmHistoricalToProduction: boolean
  readonly signal?: AbortSignal
  readonly log: (line: string) => void
  readonly now?: () => Date
}

export interface SentFile extends Delivered {
  readonly runId: string
  readonly archivedAt: string
  readonly production: boolean
}

export interface SendResult {
  readonly files: readonly SentFile[]
  /** Runs that became `sent` (every file delivered) and those accepted on delivery (production folder). */
  readonly runsSent: readonly string[]
  readonly runsAccepted: readonly string[]
}

/**
 * Finds a file in the ledger and checks it is the one the extract wrote (same SHA-256): only files this
 * workspace generated and validated are sent.
 */
export async function fileToSend(state: StateStore, path: string): Promise<FileToSend> {
  const ledger = state.fileByName(basename(path))
  if (!ledger) {
    throw new ToolkitError('SEND_FILE_UNKNOWN', `${path} was not written by a run of this workspace`, {
      hint: 'send only files that extract wrote with this mapping (`opower-extract status` lists them); a file delivered by other means is recorded with --manual',
    })
  }
  const localPath = resolve(path)
  await expectSameContent(localPath, ledger)
  return { ledger, localPath }
}

/** Every pending file of the ledger, oldest first, read from where the extract wrote it. */
export async function pendingFilesToSend(state: StateStore, mapping: Mapping): Promise<FileToSend[]> {
  const files: FileToSend[] = []
  for (const ledger of state.pendingFiles()) {
    const localPath = ledger.path ?? join(mapping.output.folder, ledger.fileName)
    await expectSameContent(localPath, ledger)
    files.push({ ledger, localPath })
  }
  return files
}

/**
 * Delivers files in load order (file-name timestamp), run by run into the folder the guard allows, a
 * transfer manifest first when configured. Each delivered file is archived and then recorded in the
 * state; in the production folder a run is accepted once its last file is there. Files that failed
 * validation are refused, all before anything is sent, unless `force` (then logged loudly).
 */
export async function sendFiles(target: DeliveryTarget, mapping: Mapping, state: StateStore, files: readonly FileToSend[], options: SendOptions): Promise<SendResult> {
  const delivery = mapping.delivery!
  const now = options.now ?? (() => new Date())
  const invalid = files.filter((file) => !file.ledger.valid)
  if (invalid.length > 0 && !options.force) {
    throw new ToolkitError('SEND_FILE_NOT_VALID', `${invalid.length} file(s) failed validation and are not sent: ${invalid.map((f) => f.ledger.fileName).join(', ')}`, {
      hint: 'fix the data or mapping and extract again; --force sends them anyway (only when the Delivery Team asked for it)',
    })
  }
  for (const file of files) {
    const run = state.run(file.ledger.runId)
    if (run?.status === 'rejected') {
      throw new ToolkitError('SEND_FILE_NOT_VALID', `${file.ledger.fileName} belongs to run ${run.runId}, which the Delivery Team rejected`, {
        hint: 'a rejected run is never delivered; extract the window again',
      })
    }
  }
  for (const file of invalid) options.log(`WARNING: --force: sending ${file.ledger.fileName} although it FAILED validation`)

  const byRun = new Map<string, FileToSend[]>()
  for (const file of [...files].sort(loadOrder)) byRun.set(file.ledger.runId, [...(byRun.get(file.ledger.runId) ?? []), file])

  const sent: SentFile[] = []
  const runsSent: string[] = []
  const runsAccepted: string[] = []
  for (const [runId, runFiles] of byRun) {
    const run = state.run(runId)
    if (!run) throw new ToolkitError('SEND_FILE_UNKNOWN', `run ${runId} is missing from the ledger`, { hint: '`opower-extract status` lists the runs' })
    const choice = chooseDeliveryFolder(phaseOf(run.phase, runId), delivery, options.confirmHistoricalToProduction)
    if (delivery.manifest) {
      const manifest = buildTransferManifest(
        delivery.manifest,
        runFiles.map((file) => ({ name: file.ledger.fileName, bytes: file.ledger.bytes, sha256: file.ledger.sha256 })),
        { utility: mapping.utility, timestamp: localTimestamp(now(), mapping.timezone) },
      )
      makeOwnerOnlyDir(delivery.archive)
      const manifestPath = join(delivery.archive, manifest.name)
      writeFileSync(manifestPath, manifest.text)
      restrictToOwner(manifestPath)
      await deliverOne(manifestPath)
      options.log(`manifest ${manifest.name} → ${choice.folder}`)
    }
    for (const file of runFiles) {
      const delivered = await deliverOne(file.localPath)
      const archivedAt = await archiveSentFile(file.localPath, delivery.archive)
      const after = state.markFileSent(file.ledger.fileName, { remotePath: delivered.remotePath, sentAt: now().toISOString(), manual: false })
      sent.push({ ...delivered, runId, archivedAt, production: choice.production })
      if (after.status === 'sent' && !runsSent.includes(runId)) runsSent.push(runId)
      if (choice.production && acceptOnDelivery(state, runId, now())) runsAccepted.push(runId)
    }

    function deliverOne(localPath: string): Promise<Delivered> {
      return deliverFile(target, localPath, choice.folder, {
        retries: delivery.retries,
        retryDelayMs: delivery.retryDelayMs,
        log: options.log,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    }
  }
  return { files: sent, runsSent, runsAccepted }
}

function phaseOf(phase: string, runId: string): DeliveryPhase {
  if ((DELIVERY_PHASES as readonly string[]).includes(phase)) return phase as DeliveryPhase
  throw new ToolkitError('SEND_FILE_UNKNOWN', `run ${runId} has phase "${phase}", which has no delivery folder`, { hint: 'only sample, full and incremental runs are sent' })
}

/** Opower loads files in name-timestamp order; the type token breaks ties (customer before usage). */
function loadOrder(a: FileToSend, b: FileToSend): number {
  const stamp = (file: FileToSend) => parseFileName(file.ledger.fileName)?.timestamp ?? ''
  return stamp(a).localeCompare(stamp(b)) || a.ledger.fileName.localeCompare(b.ledger.fileName)
}

async function expectSameContent(localPath: string, ledger: RunFileState): Promise<void> {
  if (!existsSync(localPath)) {
    throw new ToolkitError('SEND_FILE_UNKNOWN', `${localPath} does not exist (run ${ledger.runId} wrote ${ledger.fileName})`, {
      hint: 'give the path of the file the extract wrote, or extract the window again',
    })
  }
  const hash = createHash('sha256')
  await pipeline(createReadStream(localPath), hash)
  if (hash.digest('hex') !== ledger.sha256) {
    throw new ToolkitError('SEND_FILE_UNKNOWN', `${localPath} differs from the file run ${ledger.runId} wrote (SHA-256 changed)`, {
      hint: 'a file is never edited after validation; extract the window again',
    })
  }
}
