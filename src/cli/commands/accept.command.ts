import type { CommandModule } from 'yargs'
import type { RunContext } from '../run-context.js'
import { recordVerdict } from './verdict-flow.js'

interface VerdictArgs {
  run: string
  mapping: string
}

export function acceptCommand(context: RunContext): CommandModule<object, VerdictArgs> {
  return {
    command: 'accept <run>',
    describe: "Record the Delivery Team's acceptance of a sent run: the next incremental continues after its window",
    builder: (yargs) =>
      yargs
        .positional('run', { type: 'string', demandOption: true, describe: 'Run id, as `status` and `extract` print it (e.g. incremental-0007)' })
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML) whose workspace holds the run' })
        .example('$0 accept full-0003 --mapping m.yaml', 'the full historical was approved: incrementals start after its end date')
        .epilogue('Every file of the run must be delivered first (`send`, or `send --manual FILE` for files delivered by other means). Watermark, duplicate suppression and continuity use accepted runs only. In production mode a run is accepted on delivery.'),
    handler: (args) => recordVerdict(context, args.mapping, (state, now) => state.acceptRun(args.run, now)),
  }
}
