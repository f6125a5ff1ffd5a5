import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Mapping } from '../../config/mapping.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import { incrementalFilters } from '../../extract/incremental-filter.js'
import { buildReadCountQuery, buildReadQuery } from '../../extract/read-query.js'
import { readKeysFile } from '../../extract/read-keys-file.js'
import { describeWindow, resolveIncrementalWindow, runIncrementalExtract, type IncrementalRequest } from '../../extract/run-incremental-extract.js'
import type { Source } from '../../source/create-source.js'
import { StateStore } from '../../state/state-store.js'
import { formatReportText, summarizeReport } from '../../validate/validation-report.js'
import type { RunContext } from '../run-context.js'
import type { ExtractArgs } from './extract.command.js'
import { printExtractResult } from './print-extract-result.js'

/** `extract --phase incremental` (with `--end-date`, `--rerun RUN` or `--keys FILE`). */
export async function incrementalExtractFlow(context: RunContext, args: ExtractArgs, mapping: Mapping, source: Source): Promise<void> {
  if (args.rerun && args.keys) throw new ToolkitError('USAGE_INVALID_ARGUMENT', '--rerun and --keys cannot be combined', { hint: 'give one of them' })
  if ((args.rerun || args.keys) && args['end-date']) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', '--end-date does not apply to --rerun or --keys', { hint: 'a rerun repeats the recorded window; a backfill has no window' })
  }
  const request: IncrementalRequest = args.rerun
    ? { kind: 'rerun', runId: args.rerun }
    : args.keys
      ? { kind: 'keys', ...readKeysFile(args.keys) }
      : { kind: 'next', endDate: args['end-date'] }
  if (args['dry-run']) {
    const state = StateStore.open(mapping.output.state)
    try {
      const window = await resolveIncrementalWindow({ request, mapping, source }, state, state.nextRunSeq())
      context.output.result(`window: ${describeWindow(window)} (database clock; reads dated from ${window.historyFrom})`)
      for (const filter of incrementalFilters(mapping, source.dialect, window)) {
        const query = buildReadQuery(mapping, source.dialect, filter)
        const count = buildReadCountQuery(mapping, source.dialect, filter)
        const [row] = await source.query(count.sql, count.bindings)
        context.output.result(`reads to compare with the accepted ones: ${Number(row?.[0] ?? 0)}`)
        context.output.result(`SQL:\n${query.sql}\nbindings: ${JSON.stringify(query.bindings)}`)
      }
    } finally {
      state.close()
    }
    return
  }
  const result = await runIncrementalExtract({
    mapping,
    source,
    request,
    outDir: args.out ? resolve(args.out) : mapping.output.folder,
    tmpDir: context.tmpDir,
    signal: context.abort.signal,
    log: context.output.log,
  })
  printExtractResult(result, context.output)
  context.output.result(`window: ${describeWindow(result.window)}`)
  if (result.continuity.length > 0) {
    context.output.result(formatReportText(summarizeReport('continuity against accepted runs', result.counts.written, result.continuity, [])))
  }
  if (args.summary) writeFileSync(args.summary, `${JSON.stringify({ phase: 'incremental', ...result }, null, 2)}\n`, { mode: 0o600 })
  if (result.counts.rejected > mapping.maxRejects) {
    throw new ToolkitError('REJECTS_OVER_LIMIT', `${result.counts.rejected} rows were rejected (max_rejects ${mapping.maxRejects}); see ${result.rejectsFile}`, {
      hint: 'fix the data or the mapping, or raise max_rejects if the Delivery Team agrees',
    })
  }
  if (!result.valid) {
    throw new ToolkitError('VALIDATION_FAILED', 'the incremental does not pass validation or continuity; it must not be sent', {
      hint: 'the report above lists each rule with examples; fix the data or mapping and extract again',
    })
  }
}
