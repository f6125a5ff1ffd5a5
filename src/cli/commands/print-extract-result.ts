import { totalExcluded } from '../../extract/extract-counts.js'
import type { HistoricalExtractResult } from '../../extract/run-historical-extract.js'
import { formatReportText } from '../../validate/validation-report.js'
import type { Output } from '../output.js'

/** The terminal summary of an extract: files, reconciliation and validation. */
export function printExtractResult(result: HistoricalExtractResult, output: Output): void {
  const { counts } = result
  output.result(`run ${result.runId}:`)
  for (const file of result.files) {
    output.result(`  ${file.path}  ${file.rows} rows  ${file.bytes} bytes  ${file.validation.ok ? 'valid' : 'INVALID'} (${file.validation.errors} errors, ${file.validation.warnings} warnings)`)
  }
  if (result.rejectsFile) output.result(`  rejects: ${result.rejectsFile}`)
  const excluded = Object.entries(counts.excluded).map(([reason, n]) => `${n} ${reason}`)
  output.result(
    `reconciliation: ${counts.sourceReadKeys} reads in the database window = ${counts.written} written + ${counts.rejected} rejected + ${counts.superseded} superseded${counts.suppressed ? ` + ${counts.suppressed} unchanged (already accepted)` : ''} + ${totalExcluded(counts)} excluded${excluded.length ? ` (${excluded.join('; ')})` : ''}; ${counts.cleaned} rows cleaned`,
  )
  for (const file of result.files) {
    if (file.validation.findings.length > 0) output.result(formatReportText(file.validation))
  }
}
