import type { CommandModule } from 'yargs'
import { runMappingCheck } from '../../check/run-mapping-check.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import type { RunContext } from '../run-context.js'
import { printCheckReport } from './print-check-report.js'

interface CheckArgs {
  mapping: string
  preview: number
  'end-date'?: string
  sql: boolean
}

export function checkCommand(context: RunContext): CommandModule<object, CheckArgs> {
  return {
    command: 'check',
    describe: 'Check a mapping: schema and rules, value-map coverage against the database, a preview of mapped rows, the SQL per phase and doctor findings',
    builder: (yargs) =>
      yargs
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML)' })
        .option('preview', { type: 'number', default: 3, describe: 'Reads to map and show (0: none); they hold names and addresses, shown on this terminal only' })
        .option('end-date', { type: 'string', describe: "Last read date the live checks look at, YYYY-MM-DD (default: today in the mapping's time zone)" })
        .option('sql', { type: 'boolean', default: true, describe: 'Print the SQL of each phase with its bound values (--no-sql leaves it out)' })
        .example('$0 check --mapping mappings/demo-sqlite.yaml', 'check the demo mapping against the demo database')
        .example('$0 check --mapping m.yaml --preview 10 --no-sql', 'preview ten reads, without the SQL')
        .epilogue('Each finding has a severity (error, warning, ok, info). Exit 0 when there is no error, 78 when there is one; a mapping that does not load at all exits 78 with every problem at file:line.'),
    handler: async (args) => {
      if (!Number.isInteger(args.preview) || args.preview < 0) {
        throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--preview ${args.preview} is not a number of reads`, { hint: 'give a whole number, 0 for none' })
      }
      if (args['end-date'] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(args['end-date'])) {
        throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--end-date "${args['end-date']}" is not a date`, { hint: 'write it YYYY-MM-DD' })
      }
      const report = await runMappingCheck({ mappingFile: args.mapping, env: context.env, preview: args.preview, ...(args['end-date'] ? { endDate: args['end-date'] } : {}) })
      printCheckReport(report, context.output, { sql: args.sql })
      const errors = report.findings.filter((f) => f.severity === 'error').length
      if (errors > 0) {
        throw new ToolkitError('MAPPING_CHECK_FAILED', `${args.mapping}: ${errors} error${errors === 1 ? '' : 's'} in the findings above`, {
          hint: 'fix each error line; run check again until it reports none',
        })
      }
    },
  }
}
