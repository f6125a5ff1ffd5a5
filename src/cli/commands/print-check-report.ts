import type { MappingCheckReport } from '../../check/run-mapping-check.js'
import type { Output } from '../output.js'

/** `check`'s report for the terminal: preview, SQL per phase, then the findings with their severities. */
export function printCheckReport(report: MappingCheckReport, output: Output, options: { sql: boolean }): void {
  const { loaded, window } = report
  output.result(`checking ${loaded.mapping.file} (window: date_to from ${window.from} to ${window.end})`)
  if (report.preview.length) output.result(['', '== preview', ...report.preview].join('\n'))
  if (options.sql && report.phaseSql.length) output.result(['', '== SQL per phase', ...report.phaseSql].join('\n'))
  output.result('\n== findings')
  for (const f of report.findings) {
    const [first, ...rest] = f.message.split('\n')
    output.result(`${f.severity.padEnd(7)}  ${f.topic.padEnd(9)}  ${first}`)
    for (const line of rest) output.result(`${' '.repeat(20)}${line}`)
    if (f.hint && f.severity !== 'ok') output.result(`${' '.repeat(20)}→ ${f.hint}`)
  }
  const count = (severity: string) => report.findings.filter((f) => f.severity === severity).length
  output.result(`\n${count('error')} errors, ${count('warning')} warnings`)
}
