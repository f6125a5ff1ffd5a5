import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { mappingKeyOf } from '../../state/mapping-key.js'
import { searchDeliveredRows, SEARCH_KEYS, type DeliveredRow, type SearchKey } from '../../state/search-delivered-rows.js'
import type { RunContext } from '../run-context.js'

interface SearchArgs {
  mapping: string
  account?: string
  customer?: string
  'service-point'?: string
  format: 'text' | 'json'
  'all-runs': boolean
}

const LABEL: Record<SearchKey, string> = { account: 'account', customer: 'customer', 'service-point': 'service point' }

export function searchCommand(context: RunContext): CommandModule<object, SearchArgs> {
  return {
    command: 'search',
    describe: 'Every delivered row of an account, customer or service point, with its run, file and line (from the state index)',
    builder: (yargs) =>
      yargs
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML) whose workspace state to search' })
        .option('account', { type: 'string', describe: 'Account id, as in the files' })
        .option('customer', { type: 'string', describe: 'Customer id, as in the files' })
        .option('service-point', { type: 'string', describe: 'Service point id, as in the files' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text: one line per row; json: {search, rows:[…]}' })
        .option('all-runs', { type: 'boolean', default: false, describe: 'Also rows of runs not accepted yet (generated or sent), marked; rejected runs never count' })
        .example('$0 search --mapping m.yaml --account 100234', 'every accepted row of the account, newest run first')
        .example('$0 search --mapping m.yaml --service-point SP-77 --all-runs --format json', 'including runs awaiting a verdict, as JSON')
        .epilogue(
          'Rows come from the index extract keeps in the workspace state (read key, service point, account, customer, date_to, duration, file and line); no file is read, and names or addresses are never shown. Only accepted runs count unless --all-runs. No match prints "no accepted rows for …" and exits 0.',
        ),
    handler: (args) => {
      const given = SEARCH_KEYS.filter((key) => args[key] !== undefined)
      if (given.length !== 1) {
        throw new ToolkitError('USAGE_INVALID_ARGUMENT', `give exactly one of --account, --customer, --service-point (got ${given.length === 0 ? 'none' : given.map((k) => `--${k}`).join(', ')})`, {
          hint: 'e.g. search --mapping m.yaml --account 100234',
        })
      }
      const by = given[0]!
      const id = String(args[by])
      const { mapping } = loadMapping(args.mapping)
      const rows = searchDeliveredRows(mapping.output.state, { by, id, mappingKey: mappingKeyOf(mapping), includeUnaccepted: args['all-runs'] })
      const what = `${args['all-runs'] ? 'delivered rows (accepted, sent or generated runs)' : 'accepted rows'} for ${LABEL[by]} ${id}`
      const count = args.format === 'json' ? printJson(context, rows, { by, id, allRuns: args['all-runs'] }) : printText(context, rows, what)
      // Finding nothing is an answer, not a failure: exit 0 (a script tests the JSON rows or this line).
      if (count === 0 && args.format === 'text') context.output.result(`no ${what}`)
      else if (count === 0) context.output.log(`no ${what}`)
    },
  }
}

function printText(context: RunContext, rows: Iterable<DeliveredRow>, what: string): number {
  let count = 0
  for (const row of rows) {
    if (count++ === 0) context.output.result(`${what}, newest run first:`)
    const run = row.runStatus === 'accepted' ? row.runId : `${row.runId} (${row.runStatus}, not accepted)`
    context.output.result(
      `${run}  ${row.fileName}:${row.line}  read ${row.readKey}  service point ${row.servicePointId}  account ${row.accountId}  customer ${row.customerId}  date_to ${row.dateTo}  duration ${row.duration}`,
    )
  }
  if (count > 0) context.output.result(`${count} row(s)`)
  return count
}

/** One JSON document, written row by row (a customer's history is never held in memory). */
function printJson(context: RunContext, rows: Iterable<DeliveredRow>, search: Record<string, unknown>): number {
  context.output.result(`{"search": ${JSON.stringify(search)}, "rows": [`)
  let count = 0
  let previous: string | undefined
  for (const row of rows) {
    if (previous !== undefined) context.output.result(`  ${previous},`)
    previous = JSON.stringify({ ...row, accepted: row.runStatus === 'accepted' })
    count++
  }
  if (previous !== undefined) context.output.result(`  ${previous}`)
  context.output.result(']}')
  return count
}
