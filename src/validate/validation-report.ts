import type { FileStatistics } from './file-statistics.js'

/** How bad a finding is: an error blocks sending, a warning is reported (VALIDATION-RULES.md). */
export type Severity = 'error' | 'warning'

/**
 * One place where a rule fails. It names the line and service point, never the value of a personal
 * column (names, addresses): values of id, date, number and enum columns may appear in `message`.
 */
export interface FindingExample {
  /** 1-based line number in the decompressed file; the header is line 1. */
  readonly line?: number
  readonly servicePointId?: string
  readonly column?: string
  readonly message: string
  /** The field's text, only when the caller asked for personal data (`showPersonalData`, `--show-values`). */
  readonly value?: string
}

/** Every failure of one rule at one severity: an exact count and the first few examples. */
export interface Finding {
  readonly rule: string
  readonly severity: Severity
  readonly title: string
  readonly count: number
  readonly examples: readonly FindingExample[]
}

/** A rule that could not be judged for this file, and why (a column or a configured list is missing). */
export interface NotEvaluated {
  readonly rule: string
  readonly reason: string
}

/**
 * The result of validating one file. `errors` and `warnings` count occurrences (the sum of the findings'
 * counts), so a file with one rule failing on 5,000 rows has 5,000 errors. `ok` means no errors.
 */
export interface ValidationReport {
  /** The path as the caller gave it. */
  readonly file: string
  /** Data rows read (header, repeated headers and blank lines excluded). */
  readonly rows: number
  readonly findings: readonly Finding[]
  readonly notEvaluated: readonly NotEvaluated[]
  readonly errors: number
  readonly warnings: number
  readonly ok: boolean
  /** The header line as read (V85 compares files of one delivery); absent for an empty file. */
  readonly header?: string
  /** Reads per month, per service point, gaps and usage distribution (files with usage columns). */
  readonly statistics?: FileStatistics
}

/** Builds the report's totals from its findings. */
export function summarizeReport(
  file: string,
  rows: number,
  findings: readonly Finding[],
  notEvaluated: readonly NotEvaluated[],
): ValidationReport {
  let errors = 0
  let warnings = 0
  for (const finding of findings) {
    if (finding.severity === 'error') errors += finding.count
    else warnings += finding.count
  }
  return { file, rows, findings, notEvaluated, errors, warnings, ok: errors === 0 }
}

/**
 * The report for a terminal: a verdict line, then one block per finding (errors first, in rule order)
 * with its examples, then the rules that were not evaluated.
 *
 * ```
 * opwr_gec_res_v1-19-0_full_20220411093000.gz: FAILED, 1,204 rows, 2 errors (1 rule), 0 warnings
 *   error   V20  Every row has the header's field count (2)
 *           line 7, service point SP-0003: 17 fields, the header has 18
 * ```
 */
export function formatReportText(report: ValidationReport): string {
  const lines: string[] = []
  const verdict = report.ok ? 'OK' : 'FAILED'
  const rules = (severity: Severity): number => report.findings.filter((f) => f.severity === severity).length
  lines.push(
    `${report.file}: ${verdict}, ${plural(report.rows, 'row')}, ` +
      `${plural(report.errors, 'error')} (${plural(rules('error'), 'rule')}), ` +
      `${plural(report.warnings, 'warning')} (${plural(rules('warning'), 'rule')})`,
  )
  const ordered = [...report.findings.filter((f) => f.severity === 'error'), ...report.findings.filter((f) => f.severity === 'warning')]
  for (const finding of ordered) {
    lines.push(`  ${finding.severity.padEnd(7)} ${finding.rule.padEnd(4)} ${finding.title} (${count(finding.count)})`)
    for (const example of finding.examples) lines.push(`          ${formatExample(example)}`)
    const more = finding.count - finding.examples.length
    if (more > 0) lines.push(`          … and ${count(more)} more`)
  }
  if (report.notEvaluated.length > 0) {
    lines.push('  not evaluated:')
    for (const skipped of report.notEvaluated) lines.push(`          ${skipped.rule.padEnd(4)} ${skipped.reason}`)
  }
  return lines.join('\n') + '\n'
}

function formatExample(example: FindingExample): string {
  const where: string[] = []
  if (example.line !== undefined) where.push(`line ${example.line}`)
  if (example.servicePointId !== undefined && example.servicePointId !== '') {
    where.push(`service point ${example.servicePointId}`)
  }
  if (example.column !== undefined) where.push(`column ${example.column}`)
  const value = example.value === undefined ? '' : ` (value ${JSON.stringify(example.value)})`
  return where.length > 0 ? `${where.join(', ')}: ${example.message}${value}` : `${example.message}${value}`
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`
}
