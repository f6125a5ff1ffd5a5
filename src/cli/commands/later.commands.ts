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
    command: 'init',
    describe: 'Write a starter mapping from a template (generic, ccb, demo)',
    options: (y) => y.option('template', { choices: ['generic', 'ccb', 'demo'] }).option('header-from', { type: 'string' }).option('out', { type: 'string' }),
  },
  {
    command: 'send [files..]',
    describe: 'Upload validated files by SFTP or to a local folder, atomically',
    options: (y) => y.option('mapping', { type: 'string' }).option('pending', { type: 'boolean' }).option('manual', { type: 'string' }).option('force', { type: 'boolean' }),
  },
  { command: 'accept <run>', describe: "Record the Delivery Team's acceptance of a run", options: (y) => y.option('mapping', { type: 'string' }) },
  { command: 'reject <run>', describe: 'Record a rejection; the state rewinds to before the run', options: (y) => y.option('mapping', { type: 'string' }) },
  {
    command: 'run',
    describe: 'extract + validate + send (+ accept in production mode), for schedulers',
    options: (y) => y.option('mapping', { type: 'string' }).option('phase', { type: 'string' }).option('summary', { type: 'string' }),
  },
  { command: 'status', describe: 'Watermark, runs and their lifecycle, pending files', options: (y) => y.option('mapping', { type: 'string' }).option('max-age', { type: 'number' }) },
  {
    command: 'search',
    describe: 'Every delivered row of an account, customer or service point',
    options: (y) => y.option('mapping', { type: 'string' }).option('account', { type: 'string' }).option('customer', { type: 'string' }).option('service-point', { type: 'string' }),
  },
  { command: 'schedule', describe: 'Print cron, systemd or Windows Task Scheduler entries', options: (y) => y.option('os', { choices: ['cron', 'systemd', 'windows'] }).option('out', { type: 'string' }) },
]

export function laterCommands(_context: RunContext): CommandModule[] {
  return LATER.map((later) => ({
    command: later.command,
    describe: `${later.describe} (not yet available)`,
    builder: later.options,
    handler: () => {
      const name = later.command.split(' ')[0]
      throw new ToolkitError('COMMAND_NOT_AVAILABLE', `\`${name}\` is not available in this version`, {
        hint: 'demo, check, extract (sample and full) and validate are',
      })
    },
  }))
}
