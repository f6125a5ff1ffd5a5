import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { mappingKeyOf } from '../../state/mapping-key.js'
import { StateStore } from '../../state/state-store.js'
import { formatWorkspaceStatus, workspaceStatus } from '../../state/workspace-status.js'
import type { RunContext } from '../run-context.js'

interface StatusArgs {
  mapping: string
  'max-age'?: number
  json: boolean
}

export function statusCommand(context: RunContext): CommandModule<object, StatusArgs> {
  return {
    command: 'status',
    describe: 'Show the watermark, every run and its lifecycle, files not delivered yet, and the age of the last accepted delivery',
    builder: (yargs) =>
      yargs
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML) whose workspace to show' })
        .option('max-age', { type: 'number', describe: 'For monitoring: exit 65 (DELIVERY_OVERDUE) when the last accepted delivery is older than this many days, or there is none' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the status as JSON' })
        .example('$0 status --mapping m.yaml', 'where incrementals stand')
        .example('$0 status --mapping m.yaml --max-age 8', 'in a monitoring job: fails when no delivery was accepted in 8 days'),
    handler: (args) => {
      const { mapping } = loadMapping(args.mapping)
      const state = StateStore.open(mapping.output.state)
      try {
        const status = workspaceStatus(state, mappingKeyOf(mapping), new Date())
        if (args.json) context.output.result(JSON.stringify(status, null, 2))
        else for (const line of formatWorkspaceStatus(status, mapping.output.state)) context.output.result(line)
        const maxAge = args['max-age']
        if (maxAge !== undefined) {
          if (!(maxAge > 0)) throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--max-age ${maxAge} is not a number of days`, { hint: 'e.g. --max-age 8' })
          const age = status.lastAcceptedDelivery?.ageDays
          if (age === undefined || age > maxAge) {
            throw new ToolkitError('DELIVERY_OVERDUE', age === undefined ? 'no delivery has been accepted yet' : `the last accepted delivery is ${age.toFixed(1)} days old (more than ${maxAge})`, {
              hint: 'check the scheduled `run` job and its log; `status` lists pending and rejected runs',
            })
          }
        }
      } finally {
        state.close()
      }
    },
  }
}
