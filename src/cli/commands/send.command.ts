import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import type { Mapping } from '../../config/mapping.js'
import { archiveSentFile } from '../../deliver/archive-sent-file.js'
import { createDeliveryTarget } from '../../deliver/create-delivery-target.js'
import { fileToSend, pendingFilesToSend, sendFiles } from '../../deliver/send-files.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { StateStore } from '../../state/state-store.js'
import { acquireWorkspaceLock } from '../../state/workspace-lock.js'
import type { RunContext } from '../run-context.js'

interface SendArgs {
  files?: string[]
  mapping: string
  pending: boolean
  manual?: string
  force: boolean
  'confirm-historical-to-production': boolean
}

export function sendCommand(context: RunContext): CommandModule<object, SendArgs> {
  return {
    command: 'send [files..]',
    describe: "Deliver validated files to the mapping's target (SFTP or a local folder), atomically, and record them",
    builder: (yargs) =>
      yargs
        .positional('files', { type: 'string', array: true, describe: 'Files written by extract (default: see --pending)' })
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML): its delivery section and workspace' })
        .option('pending', { type: 'boolean', default: false, describe: 'Send every file of the ledger not sent yet, oldest first' })
        .option('manual', { type: 'string', describe: "Record FILE as delivered by other means (e.g. Opower's secure file share); nothing is uploaded" })
        .option('force', { type: 'boolean', default: false, describe: 'Send files that failed validation anyway (logged as a warning)' })
        .option('confirm-historical-to-production', {
          type: 'boolean',
          default: false,
          describe: 'Send a full historical to the production folder (needs delivery.production: true); samples never go there',
        })
        .check((args) => {
          const ways = [Boolean(args.files?.length), args.pending, args.manual !== undefined].filter(Boolean).length
          if (ways !== 1) throw new Error('give FILE..., --pending or --manual FILE (exactly one)')
          return true
        })
        .example('$0 send --mapping m.yaml --pending', 'deliver every file extract wrote and nobody sent yet')
        .example('$0 send --mapping m.yaml out/opwr_gec_res_v1-19-0_full_20261130043000.gz', 'deliver one file')
        .example('$0 send --mapping m.yaml --manual out/opwr_gec_res_v1-19-0_full_20261101120000.gz', 'record a file uploaded through the secure file share')
        .epilogue(
          'Files go under a temporary name (.part-…), are size-checked and renamed; a file already on the server under its name with the same size is recorded, not sent again. Samples and historicals go to delivery.shared_folder (/shared_files); incrementals go to delivery.production_folder once delivery.production is true, and are then accepted on delivery. Exit codes: 0 sent, 65 a file failed validation, 66 unknown or changed file, 75 server unreachable or upload failed after retries (retry later), 78 configuration (host key, login, folder).',
        ),
    handler: async (args) => {
      const { mapping } = loadMapping(args.mapping)
      if (!mapping.delivery) {
        throw new ToolkitError('DELIVERY_NOT_CONFIGURED', `${mapping.file} has no delivery section`, { hint: 'README.md "Delivery" shows one (target sftp or local)' })
      }
      const release = acquireWorkspaceLock(mapping.output.state, 'send', (owner) =>
        context.output.log(`taking over a stale workspace lock of pid ${owner.pid} (${owner.command}, since ${owner.started})`),
      )
      const state = StateStore.open(mapping.output.state)
      try {
        if (args.manual !== undefined) return await recordManual(context, mapping, state, args.manual, args.force)
        const files = args.pending ? await pendingFilesToSend(state, mapping) : await Promise.all((args.files ?? []).map((file) => fileToSend(state, file)))
        if (files.length === 0) {
          context.output.result('nothing to send: every file of the ledger is delivered')
          return
        }
        const target = createDeliveryTarget(mapping.delivery, { env: context.env, baseDir: mapping.dir }, mapping.file)
        try {
          const result = await sendFiles(target, mapping, state, files, {
            force: args.force,
            confirmHistoricalToProduction: args['confirm-historical-to-production'],
            signal: context.abort.signal,
            log: (line) => context.output.log(line),
          })
          for (const file of result.files) {
            const how = file.outcome === 'sent' ? `sent (${file.bytes} bytes${file.attempts > 1 ? `, attempt ${file.attempts}` : ''})` : 'already on the server with the same size: recorded, not sent again'
            context.output.result(`${file.fileName} → ${target.label}${file.remotePath}: ${how}`)
          }
          for (const runId of result.runsSent) context.output.result(`run ${runId}: every file delivered (status sent)`)
          for (const runId of result.runsAccepted) context.output.result(`run ${runId}: accepted on delivery to the production folder`)
        } finally {
          await target.close()
        }
      } finally {
        state.close()
        release()
      }
    },
  }
}

async function recordManual(context: RunContext, mapping: Mapping, state: StateStore, path: string, force: boolean): Promise<void> {
  const file = state.fileByName(basename(path))
  const ledger = existsSync(path) ? (await fileToSend(state, path)).ledger : file
  if (!ledger) {
    throw new ToolkitError('SEND_FILE_UNKNOWN', `${path} was not written by a run of this workspace`, { hint: '`opower-extract status` lists the runs and their files' })
  }
  if (!ledger.valid && !force) {
    throw new ToolkitError('SEND_FILE_NOT_VALID', `${ledger.fileName} failed validation; it is not recorded as delivered`, { hint: '--force records it anyway' })
  }
  if (!ledger.valid) context.output.log(`WARNING: --force: recording ${ledger.fileName} as delivered although it FAILED validation`)
  const local = existsSync(path) ? path : ledger.path
  if (local && existsSync(local)) await archiveSentFile(local, mapping.delivery!.archive)
  const run = state.markFileSent(ledger.fileName, { remotePath: 'manual', sentAt: new Date().toISOString(), manual: true })
  context.output.result(`${ledger.fileName}: recorded as delivered by other means (run ${run.runId}: ${run.status})`)
}
