import type { CommandModule } from 'yargs'
import type { RunContext } from '../run-context.js'
import { recordVerdict } from './verdict-flow.js'

interface VerdictArgs {
  run: string
  mapping: string
}

export function rejectCommand(context: RunContext): CommandModule<object, VerdictArgs> {
  return {
    command: 'reject <run>',
    describe: "Record the Delivery Team's rejection of a run: the state rewinds to before it, so the next run regenerates its window",
    builder: (yargs) =>
      yargs
        .positional('run', { type: 'string', demandOption: true, describe: 'Run id, as `status` and `extract` print it (e.g. incremental-0007)' })
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML) whose workspace holds the run' })
        .example('$0 reject incremental-0007 --mapping m.yaml', 'then fix the mapping or data and run `extract --phase incremental` again')
        .epilogue('A rejected run never counts again (it cannot be accepted later). An accepted run can be rejected only while no later run is accepted.'),
    handler: (args) => recordVerdict(context, args.mapping, (state, now) => state.rejectRun(args.run, now)),
  }
}
