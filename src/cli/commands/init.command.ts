import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import type { CommandModule } from 'yargs'
import { starterMapping } from '../../config/starter-mapping.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { readTemplateHeader } from '../../spec/read-template-header.js'
import { MAPPING_JSON_SCHEMA, TEMPLATES_DIR } from '../package-paths.js'
import type { RunContext } from '../run-context.js'

export const STARTER_TEMPLATES = ['generic', 'ccb', 'demo'] as const

interface InitArgs {
  template: (typeof STARTER_TEMPLATES)[number]
  'header-from'?: string
  out?: string
  force: boolean
}

export function initCommand(context: RunContext): CommandModule<object, InitArgs> {
  return {
    command: 'init',
    describe: 'Write a starter mapping from a template (generic, ccb, demo), commented key by key',
    builder: (yargs) =>
      yargs
        .option('template', {
          choices: STARTER_TEMPLATES,
          demandOption: true,
          describe: 'generic: a customers + reads schema of your own; ccb: Oracle CC&B (CI_ tables); demo: the demo database',
        })
        .option('header-from', { type: 'string', describe: "The Delivery Team's template file (single layout): its header line becomes the column list (columns_from)" })
        .option('out', { type: 'string', describe: 'Mapping file to write (default: print it)' })
        .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out if it exists' })
        .example('$0 init --template ccb --header-from opower-template.tsv --out mappings/ccb.yaml', 'a CC&B mapping with the Delivery Team\'s column list')
        .example('$0 demo && $0 init --template demo --out demo-mapping.yaml', 'a commented mapping for the demo database')
        .epilogue('Next: fill in the source connection and the table names, then run `opower-extract check --mapping FILE` until it reports no error.'),
    handler: (args) => {
      const out = args.out === undefined ? undefined : resolve(args.out)
      if (out && existsSync(out) && !args.force) {
        throw new ToolkitError('INIT_TARGET_EXISTS', `${args.out} exists; init does not overwrite a mapping`, { hint: 'give another --out, or --force to replace it' })
      }
      const base = out ? dirname(out) : process.cwd()
      const header = args['header-from'] === undefined ? undefined : { path: portable(relative(base, resolve(args['header-from']))), columns: readTemplateHeader(resolve(args['header-from'])) }
      const text = starterMapping(readFileSync(`${TEMPLATES_DIR}${args.template}.yaml`, 'utf8'), {
        schemaPath: portable(relative(base, MAPPING_JSON_SCHEMA)),
        ...(header ? { header } : {}),
      })
      if (!out) {
        context.output.result(text.trimEnd())
        return
      }
      mkdirSync(dirname(out), { recursive: true })
      writeFileSync(out, text)
      const columns = header ? `, columns from ${args['header-from']} (${header.columns.length})` : ''
      context.output.result(`wrote ${args.out} from the ${args.template} template${columns}`)
      context.output.log(`next: edit it, then run opower-extract check --mapping ${args.out}`)
    },
  }
}

/** Paths in a mapping use forward slashes, which work on every platform. */
function portable(path: string): string {
  return path.split(sep).join('/')
}
