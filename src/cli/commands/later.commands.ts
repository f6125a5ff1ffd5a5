import type { Argv, CommandModule } from 'yargs'
import { ToolkitError } from '../../errors/toolkit-error.js'
import type { RunContext } from '../run-context.js'

interface LaterCommand {
  readonly command: string
  readonly describe: string
  readonly options: (yargs: Argv) => Argv
}

/** Commands of the product contract that this version registers (with their flags) but does not run yet. */
const LATER: readonly LaterCommand[] = [
  {
    command: 'search',
    describe: 'Every delivered row of an account, customer or service point',
    options: (y) => y.option('mapping', { type: 'string' }).option('account', { type: 'string' }).option('customer', { type: 'string' }).option('service-point', { type: 'string' }),
  },
]

export function laterCommands(_context: RunContext): CommandModule[] {
  return LATER.map((later) => ({
    command: later.command,
    describe: `${later.describe} (not yet available)`,
    builder: later.options,
    handler: () => {
      const name = later.command.split(' ')[0]
      throw new ToolkitError('COMMAND_NOT_AVAILABLE', `\`${name}\` is not available in this version`, {
        hint: 'demo, init, check, extract (sample and full) and validate are',
      })
    },
  }))
}
