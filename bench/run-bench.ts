import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { parseDocument } from 'yaml'
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { loadMapping } from '../src/config/load-mapping.js'
import { buildReadQuery } from '../src/extract/read-query.js'
import { createDialect } from '../src/source/create-source.js'
import { BENCH_HISTORY, customersFor } from './bench-data.js'
import { BENCH_DATABASES, loadBenchDatabases, shellQuote, type BenchDatabase } from './bench-databases.js'
import { bash, median, timedRun } from './timed-run.js'

// The CLI of the same build as this file, and the demo mapping every bench mapping is made from.
const BIN = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url))
const FLOORS = fileURLToPath(new URL('./design-floors.js', import.meta.url))
const DEMO_MAPPING = fileURLToPath(new URL('../../mappings/demo-sqlite.yaml', import.meta.url))
/** zlib's default, which the writer uses too; the baseline's gzip gets the same. */
const GZIP_LEVEL = 6

const args = yargs(hideBin(process.argv))
  .scriptName('npm run bench --')
  .usage('$0 [--rows N] [--repeat K] [--databases sqlite,postgres] [--parallel N] [--floors]\n\nTimes a full historical extract against the database exporting the same query into gzip itself.')
  .option('rows', { type: 'number', default: 2_000_000, describe: 'Reads (bill segments) to generate' })
  .option('repeat', { type: 'number', default: 3, describe: 'Runs of each measurement; the median is reported' })
  .option('databases', { type: 'string', default: BENCH_DATABASES.join(','), describe: `Comma-separated, of ${BENCH_DATABASES.join(', ')}` })
  .option('tmp', { type: 'string', default: tmpdir(), describe: 'Folder for the data, the files and the sort runs' })
  .option('parallel', { type: 'number', default: 0, describe: 'Also time the extract in 2N chunks, N at once (extract --parallel N); 0 = skip' })
  .option('floors', { type: 'boolean', default: false, describe: "Also time, on each database's first run, the parts no per-row speed-up removes: the database's first row, validate without rules, the ledger's writes" })
  .strict()
  .parseSync()

interface DatabaseResult {
  readonly name: string
  readonly reads: number
  readonly extract: number
  readonly baseline: number
  readonly rssMb: number
  readonly validate: number
  readonly gunzip: number
  /** The extract in chunks, `--parallel` at once (median seconds, peak RSS), when asked for. */
  readonly parallel: { readonly seconds: number; readonly rssMb: number } | undefined
  /** The parts of the first run no per-row speed-up removes (seconds), when asked for. */
  readonly floors: Floors | undefined
}

interface Floors {
  /** Until the database's own export writes its first byte. */
  readonly firstRow: number
  /** `validate` of the file with no rules, start-up included. */
  readonly linesWithoutRules: number
  /** Recording the run's reads in a new state, as the extract's delivery ledger does. */
  readonly ledger: number
}

const log = (line: string) => console.log(line)
if (!Number.isSafeInteger(args.parallel) || args.parallel < 0 || args.parallel > 8) throw new Error(`--parallel: a whole number from 0 to 8, got ${args.parallel}`)
const names = args.databases.split(',').map((name) => name.trim())
for (const name of names) if (!(BENCH_DATABASES as readonly string[]).includes(name)) throw new Error(`--databases: unknown database "${name}" (known: ${BENCH_DATABASES.join(', ')})`)
const work = mkdtempSync(join(args.tmp, 'opx-bench-'))
const customers = customersFor(args.rows)
log(`bench: ${args.rows} reads wanted → ${customers} demo customers, history ${BENCH_HISTORY.from}..${BENCH_HISTORY.end}; ${args.repeat} runs each; work folder ${work}`)
let databases: BenchDatabase[] = []
const results: DatabaseResult[] = []
const cleanUp = async () => {
  const dropping = databases
  databases = []
  for (const database of dropping) await database.drop()
  rmSync(work, { recursive: true, force: true })
}
// Interrupted (Ctrl-C stops the running child first): the PostgreSQL schema and the files still go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)))
try {
  databases = await loadBenchDatabases(names as BenchDatabase['name'][], customers, work, log)
  for (const database of databases) results.push(benchDatabase(database))
} finally {
  await cleanUp()
}
const worst = (pick: (result: DatabaseResult) => number) => Math.max(...results.map(pick))
console.log(
  `ratio extract/baseline=${worst((r) => r.extract / r.baseline).toFixed(2)} rss_mb=${worst((r) => r.rssMb).toFixed(0)} validate/gunzip=${worst((r) => r.validate / r.gunzip).toFixed(2)}`,
)

function benchDatabase(database: BenchDatabase): DatabaseResult {
  const dir = join(work, database.name)
  mkdirSync(dir)
  const exportSql = exportQuery(writeMapping(database, join(dir, 'probe')))
  const runs = { extract: [] as number[], baseline: [] as number[], rss: [] as number[], validate: [] as number[], gunzip: [] as number[], parallel: [] as number[], parallelRss: [] as number[] }
  let reads = 0
  let floors: Floors | undefined
  // Interleaved, so a change in the machine's load touches both sides of each ratio alike.
  for (let run = 1; run <= args.repeat; run++) {
    const runDir = join(dir, `run-${run}`)
    const mappingFile = writeMapping(database, runDir)
    const baselineFile = join(runDir, 'baseline.tsv.gz')
    const baseline = timedRun(bash(`${database.exportCommand(exportSql)} | gzip -${GZIP_LEVEL} > ${shellQuote(baselineFile)}`), runDir)
    rmSync(baselineFile)
    const summaryFile = join(runDir, 'summary.json')
    const extract = timedRun(
      [process.execPath, BIN, 'extract', '--mapping', mappingFile, '--phase', 'full', '--from', BENCH_HISTORY.from, '--end-date', BENCH_HISTORY.end, '--summary', summaryFile],
      runDir,
      { ...process.env, TMPDIR: runDir },
    )
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { counts: { written: number }; files: { path: string }[] }
    reads = summary.counts.written
    const file = summary.files[0]!.path
    const validate = timedRun([process.execPath, BIN, 'validate', file, '--mapping', mappingFile], runDir)
    const gunzip = timedRun(bash(`gzip -dc ${shellQuote(file)} > /dev/null`), runDir)
    if (args.floors && run === 1) {
      floors = {
        firstRow: Number(timedRun([process.execPath, FLOORS, 'first-row', '--', ...bash(database.exportCommand(exportSql))], runDir).stdout),
        linesWithoutRules: timedRun([process.execPath, FLOORS, 'lines', file], runDir).seconds,
        ledger: Number(timedRun([process.execPath, FLOORS, 'ledger', join(runDir, 'state')], runDir, { ...process.env, TMPDIR: runDir }).stdout),
      }
      log(
        `${database.name} run 1 floors: the database's first row after ${floors.firstRow.toFixed(1)} s, validate without rules ${floors.linesWithoutRules.toFixed(2)} s (gunzip ${gunzip.seconds.toFixed(2)} s), the ledger's writes of ${reads} reads ${floors.ledger.toFixed(1)} s`,
      )
    }
    if (args.parallel > 0) {
      // 2N chunks, so each of the N at once has a second to go on with.
      const perChunk = Math.max(1, Math.round(servicePointsIn(file) / (2 * args.parallel)))
      const parallelDir = join(dir, `run-${run}-parallel`)
      const parallel = timedRun(
        [process.execPath, BIN, 'extract', '--mapping', writeMapping(database, parallelDir), '--phase', 'full', '--from', BENCH_HISTORY.from, '--end-date', BENCH_HISTORY.end, '--chunk-service-points', String(perChunk), '--parallel', String(args.parallel)],
        parallelDir,
        { ...process.env, TMPDIR: parallelDir },
      )
      log(`${database.name} run ${run}: extract --parallel ${args.parallel} (${perChunk} service points per chunk) ${parallel.seconds.toFixed(1)} s (peak RSS ${parallel.peakRssMb.toFixed(0)} MB)`)
      runs.parallel.push(parallel.seconds)
      runs.parallelRss.push(parallel.peakRssMb)
      rmSync(parallelDir, { recursive: true, force: true })
    }
    log(
      `${database.name} run ${run}: baseline ${baseline.seconds.toFixed(1)} s, extract ${extract.seconds.toFixed(1)} s (peak RSS ${extract.peakRssMb.toFixed(0)} MB, ${reads} reads), validate ${validate.seconds.toFixed(1)} s, gunzip ${gunzip.seconds.toFixed(2)} s`,
    )
    runs.baseline.push(baseline.seconds)
    runs.extract.push(extract.seconds)
    runs.rss.push(extract.peakRssMb)
    runs.validate.push(validate.seconds)
    runs.gunzip.push(gunzip.seconds)
    rmSync(runDir, { recursive: true, force: true })
  }
  const result = {
    name: database.name,
    reads,
    extract: median(runs.extract),
    baseline: median(runs.baseline),
    rssMb: Math.max(...runs.rss),
    validate: median(runs.validate),
    gunzip: median(runs.gunzip),
    parallel: runs.parallel.length > 0 ? { seconds: median(runs.parallel), rssMb: Math.max(...runs.parallelRss) } : undefined,
    floors,
  }
  const rate = (seconds: number) => `${Math.round(reads / seconds).toLocaleString('en-US')} reads/s`
  log(`${database.name}: ${reads} reads, medians of ${args.repeat}:`)
  log(`  extract   ${result.extract.toFixed(1)} s  ${rate(result.extract)}  peak RSS ${result.rssMb.toFixed(0)} MB`)
  log(`  baseline  ${result.baseline.toFixed(1)} s  ${rate(result.baseline)}  (the database's own export | gzip -${GZIP_LEVEL})`)
  log(`  validate  ${result.validate.toFixed(1)} s  ${rate(result.validate)}  (gzip -dc: ${result.gunzip.toFixed(2)} s)`)
  if (result.parallel) {
    log(`  parallel  ${result.parallel.seconds.toFixed(1)} s  ${rate(result.parallel.seconds)}  peak RSS ${result.parallel.rssMb.toFixed(0)} MB  extract --parallel ${args.parallel}/baseline ${(result.parallel.seconds / result.baseline).toFixed(2)}`)
  }
  if (floors) {
    // The extract waits for the first row, records every read in the ledger and validates its file before
    // it ends, each on its one thread: together a lower bound however fast the per-row work gets.
    const bound = floors.firstRow + floors.ledger + result.validate
    log(
      `  floors    first row + ledger + validate ${bound.toFixed(1)} s = ${(bound / result.baseline).toFixed(2)} × baseline; validate without rules ${(floors.linesWithoutRules / result.gunzip).toFixed(2)} × gunzip`,
    )
  }
  log(`  ratios    extract/baseline ${(result.extract / result.baseline).toFixed(2)}  validate/gunzip ${(result.validate / result.gunzip).toFixed(2)}`)
  return result
}

/** Distinct service points in a written full file (the bench sizes the parallel run's chunks by them). */
function servicePointsIn(file: string): number {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n')
  const column = lines[0]!.split('\t').indexOf('service_point_id')
  if (column < 0) throw new Error(`${file}: no service_point_id column`)
  return new Set(lines.slice(1).filter((line) => line !== '').map((line) => line.split('\t')[column])).size
}

/** The demo mapping pointed at the bench database, with output and state in `dir`. */
function writeMapping(database: BenchDatabase, dir: string): string {
  mkdirSync(dir, { recursive: true })
  const document = parseDocument(readFileSync(DEMO_MAPPING, 'utf8'))
  document.setIn(['output', 'folder'], join(dir, 'out'))
  document.setIn(['output', 'state'], join(dir, 'state'))
  document.set('source', database.source)
  const file = join(dir, 'mapping.yaml')
  writeFileSync(file, document.toString())
  return file
}

/**
 * The extract's own read query (same joins, same columns), its bindings written in as literals, and
 * ordered the way the extract orders its file: service point, read date, start, version, read, detail.
 */
function exportQuery(mappingFile: string): string {
  const { mapping } = loadMapping(mappingFile)
  const toExclusive = new Date(Date.parse(`${BENCH_HISTORY.end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  const query = buildReadQuery(mapping, createDialect(mapping.source.dialect), { from: BENCH_HISTORY.from, toExclusive })
  const bindings = [...query.bindings]
  const sql = query.sql.replace(/\?/g, () => `'${String(bindings.shift()).replaceAll("'", "''")}'`)
  const { fields } = query
  const order = [fields.columns.get('service_point_id'), fields.dateTo, fields.startDate ?? fields.duration, fields.version, fields.readKey, fields.detailKey]
  return `${sql}\nORDER BY ${order.filter((field) => field !== undefined).map((field) => field + 1).join(', ')}`
}
