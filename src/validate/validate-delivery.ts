import { basename } from 'node:path'
import type { Layout } from '../spec/file-layout.js'
import type { Check } from './check.js'
import { fileNameParts } from './file-name-parts.js'
import { DEFAULT_CHECKS, DELIVERY_RULES } from './rule-catalog.js'
import { validateFile } from './validate-file.js'
import type { ValidationOptions } from './validation-options.js'
import type { Finding, FindingExample, ValidationReport } from './validation-report.js'

/** The files of one `validate` command, each with its report, and the findings across them. */
export interface DeliveryReport {
  readonly files: readonly ValidationReport[]
  /** V07, V14, V85: rules judged across the files. */
  readonly findings: readonly Finding[]
  readonly errors: number
  readonly warnings: number
  readonly ok: boolean
}

/**
 * Validates files given in load order as one delivery: each file on its own (with `checks`, by default
 * every rule and plausibility check; continuity checks are appended by callers that have the workspace
 * state), then the rules across files: timestamps strictly increase (V07), a split delivery has its
 * customer file before its usage file (V14, when `layout` is `split`), and files of one type share one
 * header (V85). Files are read one at a time.
 */
export async function validateDelivery(
  paths: readonly string[],
  optionsOf: (path: string) => ValidationOptions,
  delivery: { readonly layout?: Layout; readonly checks?: readonly Check[] } = {},
): Promise<DeliveryReport> {
  const files: ValidationReport[] = []
  const headers = new Map<string, { header: string; file: string }>()
  const findings: Finding[] = []
  const add = (rule: string, example: FindingExample): void => {
    const known = DELIVERY_RULES.find((r) => r.rule === rule)
    const existing = findings.findIndex((f) => f.rule === rule)
    if (existing < 0) {
      findings.push({ rule, severity: 'error', title: known?.title ?? rule, count: 1, examples: [example] })
    } else {
      const f = findings[existing] as Finding
      findings[existing] = { ...f, count: f.count + 1, examples: [...f.examples, example] }
    }
  }
  let previous: { stamp: string; file: string } | undefined
  const stamps = new Map<string, string>()
  for (const path of paths) {
    const options = optionsOf(path)
    const report = await validateFile(path, options, delivery.checks ?? DEFAULT_CHECKS)
    files.push(report)
    const parts = fileNameParts(basename(path))
    if (parts !== undefined) {
      const same = stamps.get(parts.timestamp)
      if (same !== undefined) add('V07', { message: `${basename(path)} has the same timestamp as ${same}` })
      else if (previous !== undefined && parts.timestamp < previous.stamp) {
        add('V07', { message: `${basename(path)} is given after ${previous.file} but its timestamp is earlier` })
      }
      stamps.set(parts.timestamp, basename(path))
      previous = { stamp: parts.timestamp, file: basename(path) }
    }
    if (report.header !== undefined && parts !== undefined) {
      const earlier = headers.get(parts.fileType)
      if (earlier === undefined) headers.set(parts.fileType, { header: report.header, file: basename(path) })
      else if (earlier.header !== report.header) {
        add('V85', { message: `${basename(path)} has another header than ${earlier.file} (same file type ${parts.fileType})` })
      }
    }
  }
  if (delivery.layout === 'split') checkSplitPair(paths, add)
  let errors = findings.reduce((sum, f) => sum + f.count, 0)
  let warnings = 0
  for (const report of files) {
    errors += report.errors
    warnings += report.warnings
  }
  return { files, findings, errors, warnings, ok: errors === 0 }
}

function checkSplitPair(paths: readonly string[], add: (rule: string, example: FindingExample) => void): void {
  const named = paths.map((path) => ({ name: basename(path), parts: fileNameParts(basename(path)) }))
  const customers = named.filter((file) => file.parts?.fileType === 'customer')
  const usages = named.filter((file) => file.parts?.fileType === 'usage')
  const fulls = named.filter((file) => file.parts?.fileType === 'full')
  if (fulls.length > 0) add('V14', { message: `a split delivery holds a full file (${fulls[0]?.name}); never mix layouts` })
  if (customers.length === 0) add('V14', { message: 'the split delivery has no customer file' })
  if (usages.length === 0) add('V14', { message: 'the split delivery has no usage file' })
  const firstUsage = usages.map((file) => file.parts?.timestamp ?? '').sort()[0]
  const lastCustomer = customers.map((file) => file.parts?.timestamp ?? '').sort().at(-1)
  if (firstUsage !== undefined && lastCustomer !== undefined && lastCustomer >= firstUsage) {
    add('V14', { message: `the customer file's timestamp ${lastCustomer} is not earlier than the usage file's ${firstUsage}` })
  }
}
