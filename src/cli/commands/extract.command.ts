import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import { ToolkitError } from '../../errors/toolkit-error.js'
import type { RunContext } from '../run-context.js'

/** Chunks of a full historical extracted at once, at most (`--parallel`, `output.parallel_chunks`): each is another heap and connection. */
const MAX_PARALLEL_CHUNKS = 8

export interface ExtractArgs {
  mapping: string
  phase: 'sample' | 'full' | 'incremental'
  'end-date'?: string
  from?: string
  'sample-size': number
  seed: string
  out?: string
  'max-rows-per-file'?: number
  'chunk-service-points'?: number
  parallel?: number
  restart?: boolean
  'dry-run': boolean
  rerun?: string
  keys?: string
  summary?: string
}

export function extractCommand(context: RunContext): CommandModule<object, ExtractArgs> {
  return {
    command: 'extract',
    describe: 'Extract a sample, full historical or incremental file set from the billing database',
    builder: (yargs) =>
      yargs
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML)' })
        .option('phase', { choices: ['sample', 'full', 'incremental'] as const, demandOption: true, describe: 'Which delivery to build' })
        .option('end-date', { type: 'string', describe: 'Historical: the "as of" date, YYYY-MM-DD (reads with date_to up to and including it). Incremental: end the change window at the end of this day (default: database clock minus the settle lag)' })
        .option('from', { type: 'string', describe: 'First read date, YYYY-MM-DD (default 1 January of the year before launch_date)' })
        .option('sample-size', { type: 'number', default: 15000, describe: 'sample: accounts to aim for (whole premises are taken)' })
        .option('seed', { type: 'string', default: '1', describe: 'sample: seed of the premise pick (same seed, same pick)' })
        .option('out', { type: 'string', describe: "Output folder (default: the mapping's output.folder)" })
        .option('max-rows-per-file', { type: 'number', describe: 'Split files after this many rows, never inside a service point' })
        .option('chunk-service-points', { type: 'number', describe: "Full: service points per chunk (each its own snapshot and file(s); a rerun resumes after the last finished chunk). 0 = one chunk. Default: the mapping's output.chunk_service_points, else 0" })
        .option('parallel', { type: 'number', describe: `Full, in chunks: extract up to N chunks at once (1 to ${MAX_PARALLEL_CHUNKS}), each in its own thread with its own database connection; helps when the database is not the limit and cores are free. Default: the mapping's output.parallel_chunks, else 1` })
        .option('restart', { type: 'boolean', default: false, describe: 'Full: discard an unfinished chunked run of this mapping (its files are set aside as .unrecorded) instead of resuming it' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Show the window, the SQL with its bound values and counts; write nothing' })
        .option('rerun', { type: 'string', describe: 'Incremental: regenerate the window of past run RUN, byte for byte when the data is the same' })
        .option('keys', { type: 'string', describe: 'Incremental: backfill the reads in FILE as corrections; one read key per line, or account:KEY for every read of an account' })
        .option('summary', { type: 'string', describe: 'Write a JSON summary of the run to this file' })
        .example('$0 extract --mapping mappings/demo-sqlite.yaml --phase sample --end-date 2026-10-31', 'a sample historical as of 31 Oct 2026')
        .example('$0 extract --mapping m.yaml --phase full --end-date 2026-10-31 --dry-run', 'show the SQL and counts only')
        .example('$0 extract --mapping m.yaml --phase full --end-date 2026-10-31 --chunk-service-points 100000', 'a large historical in chunks; run it again after a failure to resume')
        .example('$0 extract --mapping m.yaml --phase full --end-date 2026-10-31 --chunk-service-points 100000 --parallel 2', 'the same, two chunks at once on a machine with cores to spare')
        .example('$0 extract --mapping m.yaml --phase incremental', 'everything changed since the last accepted run (needs an accepted full historical)')
        .example('$0 extract --mapping m.yaml --phase incremental --rerun incremental-0007', 'the same window again, e.g. after the files were lost'),
    handler: (args) => extractFlow(context, args),
  }
}

/** The extract itself, shared with the demo walkthrough. */
export async function extractFlow(context: RunContext, args: ExtractArgs): Promise<void> {
  if (args.phase !== 'incremental' && (args.rerun || args.keys)) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--rerun and --keys belong to --phase incremental, not ${args.phase}`, {
      hint: 'a historical is repeated by extracting it again with the same --end-date',
    })
  }
  requireCount('--sample-size', args['sample-size'])
  if (args['max-rows-per-file'] !== undefined) requireCount('--max-rows-per-file', args['max-rows-per-file'])
  if (args.phase !== 'full' && (args['chunk-service-points'] !== undefined || args.restart || args.parallel !== undefined)) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--chunk-service-points, --parallel and --restart belong to --phase full, not ${args.phase}`, {
      hint: 'a sample or an incremental is small and always runs in one go',
    })
  }
  const chunkServicePoints = args['chunk-service-points']
  if (chunkServicePoints !== undefined && (!Number.isSafeInteger(chunkServicePoints) || chunkServicePoints < 0)) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--chunk-service-points must be a whole number of at least 0, got ${String(chunkServicePoints)}`, {
      hint: 'for example --chunk-service-points 100000, or 0 for one chunk',
    })
  }
  const parallel = args.parallel
  if (parallel !== undefined && (!Number.isSafeInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL_CHUNKS)) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--parallel must be a whole number from 1 to ${MAX_PARALLEL_CHUNKS}, got ${String(parallel)}`, {
      hint: 'for example --parallel 2 with --chunk-service-points 100000, at most the number of cores the extract may take; 1 runs one chunk after another',
    })
  }
  const { mapping: loaded, warnings } = loadMapping(args.mapping)
  for (const warning of warnings) context.output.log(`warning: ${warning}`)
  // The extract pipeline loads when an extract runs, not with the command line (`--help`, `status`, `search`).
  const [{ describeDryRun }, { historicalWindow }, { planSample }, { runHistoricalExtract }, { createSource }, { incrementalExtractFlow }, { printExtractResult }] =
    await Promise.all([
      import('../../extract/dry-run.js'),
      import('../../extract/extract-window.js'),
      import('../../extract/plan-sample.js'),
      import('../../extract/run-historical-extract.js'),
      import('../../source/create-source.js'),
      import('./incremental-extract-flow.js'),
      import('./print-extract-result.js'),
    ])
  const mapping = {
    ...loaded,
    output: {
      ...loaded.output,
      ...(args['max-rows-per-file'] === undefined ? {} : { maxRowsPerFile: args['max-rows-per-file'] }),
      ...(chunkServicePoints === undefined ? {} : { chunkServicePoints }),
      ...(parallel === undefined ? {} : { parallelChunks: parallel }),
    },
  }
  if (args.phase === 'incremental') {
    const source = createSource(mapping, { env: context.env })
    try {
      return await incrementalExtractFlow(context, args, mapping, source)
    } finally {
      await source.close()
    }
  }
  const window = historicalWindow({ endDate: args['end-date'], from: args.from, launchDate: mapping.launchDate })
  const source = createSource(mapping, { env: context.env })
  try {
    let premises: string[] | undefined
    let details: Record<string, unknown> = {}
    if (args.phase === 'sample') {
      const plan = await planSample(mapping, source, window, { seed: args.seed, sampleSize: args['sample-size'] })
      premises = plan.premises
      details = { seed: args.seed, sampleSize: args['sample-size'], premises: plan.premises.length, accounts: plan.accounts }
      context.output.log(
        `sample: ${plan.premises.length} of ${plan.premisesInWindow} premises, ${plan.accounts} of ${plan.accountsInWindow} accounts (seed ${args.seed})`,
      )
    }
    if (args['dry-run']) {
      for (const line of await describeDryRun(mapping, source, window, premises)) context.output.result(line)
      return
    }
    const result = await runHistoricalExtract({
      mapping,
      source,
      phase: args.phase,
      window,
      premises,
      outDir: args.out ? resolve(args.out) : mapping.output.folder,
      tmpDir: context.tmpDir,
      signal: context.abort.signal,
      log: context.output.log,
      details,
      restart: args.restart,
      secrets: { env: context.env },
    })
    printExtractResult(result, context.output)
    if (args.summary) writeFileSync(args.summary, `${JSON.stringify({ phase: args.phase, window, ...result }, null, 2)}\n`, { mode: 0o600 })
    if (result.counts.rejected > mapping.maxRejects) {
      throw new ToolkitError('REJECTS_OVER_LIMIT', `${result.counts.rejected} rows were rejected (max_rejects ${mapping.maxRejects}); see ${result.rejectsFile}`, {
        hint: 'fix the data or the mapping, or raise max_rejects if the Delivery Team agrees',
      })
    }
    if (!result.valid) {
      throw new ToolkitError('VALIDATION_FAILED', 'a written file does not pass validation; it must not be sent', {
        hint: 'the report above lists each rule with examples',
      })
    }
  } finally {
    await source.close()
  }
}

/** yargs turns `--sample-size many` into NaN and lets 0 or -5 through: a count must be a whole number of at least 1. */
function requireCount(flag: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `${flag} must be a whole number of at least 1, got ${String(value)}`, {
      hint: `for example ${flag} 15000`,
    })
  }
}
