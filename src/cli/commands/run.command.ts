import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import type { RunContext } from '../run-context.js'

interface RunArgs {
  mapping: string
  phase: 'incremental'
  'end-date'?: string
  summary?: string
}

export function runCommand(context: RunContext): CommandModule<object, RunArgs> {
  return {
    command: 'run',
    describe: 'extract + validate + send (+ accept in production mode) in one step, for schedulers',
    builder: (yargs) =>
      yargs
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML) with a delivery section' })
        .option('phase', { choices: ['incremental'] as const, demandOption: true, describe: 'Only incrementals run unattended; historicals go through extract and send' })
        .option('end-date', { type: 'string', describe: 'Upper end of the change window: the end of this day in the utility zone (default: database clock minus settle lag)' })
        .option('summary', { type: 'string', describe: 'Write a JSON summary (counts, files, error code; no personal data) to this file, also on failure' })
        .example('$0 run --mapping /srv/opower/gec.yaml --phase incremental --summary /srv/opower/state/last-run-summary.json', 'what the scheduler runs')
        .epilogue(
          'Nothing is sent when the files fail validation (exit 65) or rejects exceed max_rejects. In production mode (delivery.production: true) the run is accepted on delivery. delivery.on_failure runs a command on failure. Exit codes: 0 ok (also "no new rows"), 65 data, 69 source query, 74 local disk, 75 retry later (database or SFTP unreachable, busy), 78 configuration.',
        ),
    handler: async (args) => {
      const { mapping, warnings } = loadMapping(args.mapping)
      for (const warning of warnings) context.output.log(`warning: ${warning}`)
      // Loaded here, not with the command line: it brings the extract pipeline and the delivery targets.
      const { scheduledRunFlow } = await import('./scheduled-run-flow.js')
      await scheduledRunFlow(context, mapping, { endDate: args['end-date'], summaryFile: args.summary })
    },
  }
}
