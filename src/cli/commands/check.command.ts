import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import { historicalWindow } from '../../extract/extract-window.js'
import { buildReadQuery } from '../../extract/read-query.js'
import { createDialect } from '../../source/create-source.js'
import type { RunContext } from '../run-context.js'

interface CheckArgs {
  mapping: string
  'end-date'?: string
}

export function checkCommand(context: RunContext): CommandModule<object, CheckArgs> {
  return {
    command: 'check',
    describe: 'Check a mapping (schema and rules, all problems at once) and print the SQL it runs',
    builder: (yargs) =>
      yargs
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML)' })
        .option('end-date', { type: 'string', describe: 'End date used for the SQL shown (default: 31 Dec of the year before launch_date)' })
        .example('$0 check --mapping mappings/demo-sqlite.yaml', 'check the demo mapping'),
    handler: (args) => {
      const { mapping, warnings } = loadMapping(args.mapping)
      for (const warning of warnings) context.output.log(`warning: ${warning}`)
      const endDate = args['end-date'] ?? `${Number((mapping.launchDate ?? new Date().toISOString()).slice(0, 4)) - 1}-12-31`
      const window = historicalWindow({ endDate, from: undefined, launchDate: mapping.launchDate })
      const query = buildReadQuery(mapping, createDialect(mapping.source.dialect), window)
      context.output.result(`${args.mapping}: the mapping is valid (${mapping.layout} layout, ${mapping.columns.size} columns)`)
      context.output.result(`historical read query for [${window.from}, ${window.end}]:\n${query.sql}\nbindings: ${JSON.stringify(query.bindings)}`)
    },
  }
}
