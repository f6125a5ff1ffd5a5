import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CommandModule } from 'yargs'
import { DEFAULT_DEMO_OPTIONS } from '../../demo/demo-options.js'
import { makeOwnerOnlyDir } from '../../platform/restrict-to-owner.js'
import { DEMO_MAPPING } from '../package-paths.js'
import type { RunContext } from '../run-context.js'
import { extractFlow } from './extract.command.js'

interface DemoArgs {
  dir: string
  customers: number
  seed: number
  overwrite: boolean
  walkthrough: boolean
}

/** The demo's "as of" date: two weeks before the end of its billing history, as a real full historical. */
const DEMO_END_DATE = '2026-10-15'

export function demoCommand(context: RunContext): CommandModule<object, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Create the demo billing database (SQLite, CC&B-shaped) and its mapping; --walkthrough also extracts',
    builder: (yargs) =>
      yargs
        .option('dir', { type: 'string', default: 'demo', describe: 'Folder for billing.sqlite, mapping.yaml and the output' })
        .option('customers', { type: 'number', default: DEFAULT_DEMO_OPTIONS.customers, describe: 'Number of customers (premises)' })
        .option('seed', { type: 'number', default: DEFAULT_DEMO_OPTIONS.seed, describe: 'Seed: the same seed builds the same database' })
        .option('overwrite', { type: 'boolean', default: false, describe: 'Rebuild the database if it exists' })
        .option('walkthrough', { type: 'boolean', default: false, describe: 'Then run a sample and a full historical extract and show the results' })
        .example('$0 demo', 'create demo/billing.sqlite and demo/mapping.yaml')
        .example('$0 demo --walkthrough', 'what `npm run demo` does'),
    handler: async (args) => {
      const dir = resolve(args.dir)
      makeOwnerOnlyDir(dir)
      const database = join(dir, 'billing.sqlite')
      if (existsSync(database) && !args.overwrite) {
        context.output.log(`using the existing demo database ${database} (--overwrite rebuilds it)`)
      } else {
        const started = Date.now()
        // Loaded here, not with the command line: the generator is only needed to build the database.
        const { createDemoDatabase } = await import('../../demo/create-demo-database.js')
        const info = createDemoDatabase(database, { customers: args.customers, seed: args.seed, overwrite: args.overwrite })
        const counts = Object.entries(info.counts).map(([table, n]) => `${table} ${n}`).join(', ')
        context.output.log(`created ${database} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts}`)
      }
      const mapping = join(dir, 'mapping.yaml')
      // The shipped demo mapping points at ../demo/ from mappings/; this copy sits next to the database.
      writeFileSync(mapping, readFileSync(DEMO_MAPPING, 'utf8').replaceAll('../demo/', './'), { mode: 0o600 })
      context.output.result(`demo database: ${database}\ndemo mapping:  ${mapping}`)
      if (!args.walkthrough) return

      const common = { mapping, 'end-date': DEMO_END_DATE, 'sample-size': 15000, seed: '1', 'dry-run': false } as const
      context.output.result(`\n== sample historical as of ${DEMO_END_DATE} (15,000 accounts, seed 1)`)
      await extractFlow(context, { ...common, phase: 'sample' })
      context.output.result(`\n== full historical as of ${DEMO_END_DATE}`)
      await extractFlow(context, { ...common, phase: 'full' })
      context.output.result(`\nLook inside a file with: zcat ${join(dir, 'out')}/opwr_dem_res_v1-19-0_full_*.gz | head`)
    },
  }
}
