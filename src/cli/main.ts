import yargs from 'yargs'
import { categoryOf } from '../errors/error-codes.js'
import { EXIT_CODES } from '../errors/exit-codes.js'
import { isToolkitError, ToolkitError } from '../errors/toolkit-error.js'
import { acceptCommand } from './commands/accept.command.js'
import { checkCommand } from './commands/check.command.js'
import { demoCommand } from './commands/demo.command.js'
import { extractCommand } from './commands/extract.command.js'
import { initCommand } from './commands/init.command.js'
import { rejectCommand } from './commands/reject.command.js'
import { runCommand } from './commands/run.command.js'
import { scheduleCommand } from './commands/schedule.command.js'
import { searchCommand } from './commands/search.command.js'
import { sendCommand } from './commands/send.command.js'
import { statusCommand } from './commands/status.command.js'
import { validateCommand } from './commands/validate.command.js'
import { consoleOutput } from './output.js'
import { runContext } from './run-context.js'

/**
 * The command line. The only place that sets the exit code: handlers return normally or throw; a
 * `ToolkitError`'s category decides the code (README.md "Exit codes"), anything else is an internal error.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const context = runContext(process.env)
  const stop = (signal: NodeJS.Signals) => {
    context.abort.abort(new ToolkitError('INTERRUPTED', `stopped by ${signal}`))
    process.exitCode = signal === 'SIGINT' ? 130 : 143
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    await yargs([...argv])
      .scriptName('opower-extract')
      .usage('$0 <command> [options]\n\nBuilds Opower Legacy Billing files from a billing database, validates and delivers them.')
      .command(demoCommand(context))
      .command(initCommand(context))
      .command(checkCommand(context))
      .command(extractCommand(context))
      .command(validateCommand(context))
      .command(acceptCommand(context))
      .command(rejectCommand(context))
      .command(statusCommand(context))
      .command(sendCommand(context))
      .command(runCommand(context))
      .command(scheduleCommand(context))
      .command(searchCommand(context))
      .demandCommand(1, 'give a command; `opower-extract --help` lists them')
      .strict()
      .recommendCommands()
      .wrap(Math.min(110, process.stdout.columns || 100))
      .epilogue('Exit codes: 0 ok, 64 usage, 65 data/validation, 66 unreadable input, 69 source query, 70 internal, 74 local I/O, 75 temporary (retry), 76 database connection lost or stalled, 77 database access refused, 78 configuration, 130/143 interrupted. README.md explains each.')
      .fail((message, error) => {
        if (error) throw error
        throw new ToolkitError('USAGE_INVALID_ARGUMENT', message, { hint: 'see --help' })
      })
      .parseAsync()
  } catch (error) {
    if (context.abort.signal.aborted) {
      consoleOutput.log(`opower-extract: interrupted; no file was left under a final name, the state is unchanged`)
      return
    }
    report(error)
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

function report(error: unknown): void {
  if (isToolkitError(error)) {
    const lines = [`opower-extract: ${error.code}: ${error.message}`, ...error.details.map((line) => `  ${line}`)]
    if (error.hint) lines.push(`  hint: ${error.hint}`)
    consoleOutput.log(lines.join('\n'))
    process.exitCode = EXIT_CODES[categoryOf(error.code)]
    return
  }
  consoleOutput.log(`opower-extract: internal error (please report it with this output):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exitCode = EXIT_CODES.internal
}
