import { writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { validateFile } from '../../validate/validate-file.js'
import { defaultValidationOptions, type ValidationOptions } from '../../validate/validation-options.js'
import { formatReportText, type ValidationReport } from '../../validate/validation-report.js'
import { parseFileName } from '../../writer/file-name.js'
import type { RunContext } from '../run-context.js'

interface ValidateArgs {
  files: string[]
  mapping?: string
  utility?: string
  'sp-id-in-full': 'once' | 'twice'
  'allow-negative-usage': boolean
  format: 'text' | 'json'
  out?: string
}

export function validateCommand(context: RunContext): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate <files..>',
    describe: 'Validate Legacy Billing files (gz, zip or plain) against the spec rules',
    builder: (yargs) =>
      yargs
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Files to validate' })
        .option('mapping', { type: 'string', describe: 'Take utility, population, version, columns and options from this mapping' })
        .option('utility', { type: 'string', describe: 'Utility code the names must carry (without --mapping)' })
        .option('sp-id-in-full', { choices: ['once', 'twice'] as const, default: 'once' as const, describe: 'full files: service_point_id once or twice' })
        .option('allow-negative-usage', { type: 'boolean', default: false, describe: 'Opower has enabled negative usage_value' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Report format' })
        .option('out', { type: 'string', describe: 'Write the report to this file instead of stdout' })
        .example('$0 validate demo/out/opwr_dem_res_v1-19-0_full_*.gz --mapping demo/mapping.yaml', 'validate the demo files')
        .epilogue('Exit codes: 0 every file valid (warnings allowed), 65 a file has errors, 66 a file cannot be read.'),
    handler: async (args) => {
      const options = optionsOf(args)
      const reports: ValidationReport[] = []
      for (const file of args.files) reports.push(await validateFile(file, options(file)))
      const text = args.format === 'json' ? `${JSON.stringify(reports, null, 2)}` : reports.map(formatReportText).join('\n\n')
      if (args.out) writeFileSync(args.out, `${text}\n`, { mode: 0o600 })
      else context.output.result(text)
      const invalid = reports.filter((report) => !report.ok)
      if (invalid.length > 0) {
        throw new ToolkitError('VALIDATION_FAILED', `${invalid.length} of ${reports.length} files have errors: ${invalid.map((r) => r.file).join(', ')}`, {
          hint: 'each error above names its rule (see shared spec VALIDATION-RULES) and example lines',
        })
      }
    },
  }
}

function optionsOf(args: ValidateArgs): (file: string) => ValidationOptions {
  if (!args.mapping) {
    const options = defaultValidationOptions({
      servicePointIdInFull: args['sp-id-in-full'],
      allowNegativeUsage: args['allow-negative-usage'],
      ...(args.utility ? { utility: args.utility } : {}),
    })
    return () => options
  }
  const { mapping } = loadMapping(args.mapping)
  return (file) => {
    const type = parseFileName(basename(file))?.fileType
    return defaultValidationOptions({
      expected: mapping.fileSpecs.find((spec) => spec.fileType === type),
      servicePointIdInFull: mapping.servicePointIdInFull,
      utility: mapping.utility,
      population: mapping.population,
      allowNonres: mapping.population !== 'res',
      specVersion: mapping.specVersion,
      allowNegativeUsage: mapping.allowNegativeUsage || args['allow-negative-usage'],
    })
  }
}
