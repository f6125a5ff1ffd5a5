import { writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { formatReportHtml } from '../../validate/html-report.js'
import { mappingKeyOf } from '../../state/mapping-key.js'
import { StateStore } from '../../state/state-store.js'
import type { DeliveryReport } from '../../validate/validate-delivery.js'
import { defaultValidationOptions, type ValidationOptions } from '../../validate/validation-options.js'
import { formatReportText } from '../../validate/validation-report.js'
import { parseFileName } from '../../writer/file-name.js'
import type { RunContext } from '../run-context.js'

interface ValidateArgs {
  files: string[]
  mapping?: string
  utility?: string
  'sp-id-in-full': 'once' | 'twice'
  'allow-negative-usage': boolean
  format: 'text' | 'json' | 'html'
  out?: string
  layout?: 'single' | 'split'
  'fuel-column'?: string
  'show-values': boolean
  'against-accepted': boolean
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
        .option('layout', {
          choices: ['single', 'split'] as const,
          describe: 'The files are one delivery of this layout: split checks the customer + usage pair (V14); default: the mapping\'s, else not checked',
        })
        .option('fuel-column', { type: 'string', describe: 'Column naming the fuel (V54, per-fuel figures); default meter_type for the figures' })
        .option('show-values', { type: 'boolean', default: false, describe: 'Quote the offending value in examples, names and addresses included' })
        .option('against-accepted', {
          type: 'boolean',
          default: false,
          describe: "Also check continuity against the runs accepted in the mapping's workspace (gaps, overlaps that are not corrections, older reads): needs --mapping",
        })
        .option('format', { choices: ['text', 'json', 'html'] as const, default: 'text' as const, describe: 'Report format; html is one self-contained page with charts' })
        .option('out', { type: 'string', describe: 'Write the report to this file instead of stdout' })
        .example('$0 validate demo/out/opwr_dem_res_v1-19-0_full_*.gz --mapping demo/mapping.yaml', 'validate the demo files')
        .example('$0 validate cust.gz usage.gz --layout split --utility gec --format html --out report.html', 'a split delivery, as a web page')
        .epilogue('Files are given in load order. Exit codes: 0 every file valid (warnings allowed), 65 a file or the delivery has errors, 66 a file cannot be read.'),
    handler: async (args) => {
      const options = optionsOf(args)
      const layout = args.layout ?? (args.mapping ? loadMapping(args.mapping).mapping.layout : undefined)
      // The validator (and the zip reader) loads when files are validated, not with the command line.
      const { validateDelivery } = await import('../../validate/validate-delivery.js')
      const validated = await validateDelivery(args.files, options, layout === undefined ? {} : { layout })
      const delivery = args['against-accepted'] ? await withAcceptedContinuity(validated, args) : validated
      const text = formatDelivery(delivery, args.format)
      if (args.out) writeFileSync(args.out, `${text}\n`, { mode: 0o600 })
      else context.output.result(text)
      const invalid = delivery.files.filter((report) => !report.ok)
      if (!delivery.ok) {
        const across = delivery.findings.length > 0 ? `; across the files: ${delivery.findings.map((f) => f.rule).join(', ')}` : ''
        throw new ToolkitError('VALIDATION_FAILED', `${invalid.length} of ${delivery.files.length} files have errors: ${invalid.map((r) => r.file).join(', ')}${across}`, {
          hint: 'each error above names its rule (see shared spec VALIDATION-RULES) and example lines',
        })
      }
    },
  }
}

/** Adds continuity against the accepted runs (V71, V72, V78) to the delivery's findings across files. */
async function withAcceptedContinuity(delivery: DeliveryReport, args: ValidateArgs): Promise<DeliveryReport> {
  if (!args.mapping) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', '--against-accepted needs --mapping (its workspace holds the accepted runs)', { hint: 'add --mapping FILE' })
  }
  const { mapping } = loadMapping(args.mapping)
  const state = StateStore.open(mapping.output.state)
  try {
    const key = mappingKeyOf(mapping)
    const { checkAgainstAccepted } = await import('../../validate/check-against-accepted.js')
    const findings = await checkAgainstAccepted(args.files, (sp) => state.acceptedPeriods(key, sp, Number.MAX_SAFE_INTEGER))
    const count = (severity: string) => findings.filter((f) => f.severity === severity).reduce((sum, f) => sum + f.count, 0)
    return {
      ...delivery,
      findings: [...delivery.findings, ...findings],
      errors: delivery.errors + count('error'),
      warnings: delivery.warnings + count('warning'),
      ok: delivery.ok && count('error') === 0,
    }
  } finally {
    state.close()
  }
}

function formatDelivery(delivery: DeliveryReport, format: ValidateArgs['format']): string {
  if (format === 'html') return formatReportHtml(delivery)
  if (format === 'json') return JSON.stringify(delivery, null, 2)
  const across = delivery.findings.map((f) => `  ${f.severity.padEnd(7)} ${f.rule.padEnd(4)} ${f.title} (${f.count})\n${f.examples.map((e) => `          ${e.message}`).join('\n')}`)
  return [...delivery.files.map(formatReportText), ...(across.length > 0 ? [`across the files: ${delivery.findings.some((f) => f.severity === 'error') ? 'FAILED' : 'OK'}\n${across.join('\n')}\n`] : [])].join('\n')
}

function optionsOf(args: ValidateArgs): (file: string) => ValidationOptions {
  const shared = {
    showPersonalData: args['show-values'],
    ...(args['fuel-column'] ? { fuelColumn: args['fuel-column'] } : {}),
  }
  if (!args.mapping) {
    const options = defaultValidationOptions({
      ...shared,
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
      ...shared,
      timezone: mapping.timezone,
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
