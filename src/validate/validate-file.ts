import { CheckRunner } from './check-runner.js'
import { EntityStore } from './entity-map.js'
import { FileState } from './file-state.js'
import { openSpecFile } from './open-spec-file.js'
import { StatisticsCollector } from './file-statistics.js'
import { DEFAULT_CHECKS, RULE_CATALOG } from './rule-catalog.js'
import { Row } from './row.js'
import type { Check } from './check.js'
import type { ValidationOptions } from './validation-options.js'
import { summarizeReport, type Finding, type NotEvaluated, type ValidationReport } from './validation-report.js'
import { keepHeapNearLive } from '../platform/keep-heap-near-live.js'

/**
 * Validates one Legacy Billing file (`.gz`, `.zip` or plain text, told apart by content) against every
 * check of {@link RULE_CATALOG}: the name first, then the header, each row once, then the end-of-file
 * facts. Streams: what the checks keep per entity (one entry per service point for V66) moves to a
 * temporary database on disk past `ENTITY_MAP_MEMORY_LIMIT` entries instead of growing in memory.
 *
 * Throws `INPUT_UNREADABLE` (naming the file) when it cannot be opened or read, is neither gzip, zip
 * nor text, or is a zip whose central directory cannot be read (there is no entry to validate). Damage
 * inside a recognised archive (a truncated gzip, a bad CRC or size) is a V12 finding instead: the lines
 * read until the break are validated, so the report shows both the break and what came before it.
 *
 * `checks` defaults to {@link DEFAULT_CHECKS} (every rule of {@link RULE_CATALOG} and the plausibility
 * warnings); a test may pass a subset, and a caller that knows the accepted history appends its
 * continuity checks. The report also carries the statistics behind the HTML report's charts.
 */
export async function validateFile(
  path: string,
  options: ValidationOptions,
  checks: readonly Check[] = DEFAULT_CHECKS,
): Promise<ValidationReport> {
  const opened = await openSpecFile(path, { exampleLimit: options.exampleLimit })
  const entities = new EntityStore(options.entityMapLimit)
  try {
    const file = new FileState(opened, options)
    const runners = checks.map((check) => new CheckRunner(check, options, file, entities))
    for (const runner of runners) {
      if (runner.check.onFileName && runner.active) runner.check.onFileName(file.name, runner)
    }
    const driver = new RowDriver(file, runners, options)
    for await (const batch of opened.lines()) {
      file.ascii = batch.ascii
      file.otherWhitespace = batch.otherWhitespace
      driver.feed(batch.lines)
      // Memory stays near what the checks keep live, however long the file (see keepHeapNearLive).
      keepHeapNearLive()
    }
    const statistics = driver.statistics
    if (!file.hasHeader) startChecks(runners, file)
    for (const runner of runners) {
      if (runner.active) runner.check.onEnd?.(runner, runner.state)
    }
    return {
      ...report(file, runners),
      ...(file.hasHeader ? { header: file.headerLine } : {}),
      ...(statistics === undefined ? {} : { statistics: statistics.result() }),
    }
  } finally {
    entities.close()
    opened.close()
  }
}

/**
 * Hands each line to the checks. A plain synchronous loop, apart from the async read loop, so the engine
 * optimises it as one hot function (inside the async function it ran markedly slower).
 */
class RowDriver {
  statistics: StatisticsCollector | undefined
  readonly #file: FileState
  readonly #runners: readonly CheckRunner[]
  readonly #options: ValidationOptions
  readonly #row = new Row()
  #lineNumber = 0
  // Each list as parallel arrays of hook, runner and state: a row then costs one call per check, without
  // the lookups of `runner.check.onRow` (a different object shape per check) and `runner.state`.
  #rowChecks: Hooks = NO_HOOKS
  #lineChecks: Hooks = NO_HOOKS

  constructor(file: FileState, runners: readonly CheckRunner[], options: ValidationOptions) {
    this.#file = file
    this.#runners = runners
    this.#options = options
  }

  feed(lines: readonly string[]): void {
    const file = this.#file
    const row = this.#row
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string
      const lineNumber = ++this.#lineNumber
      if (!file.hasHeader) {
        this.#start(line)
        continue
      }
      // Blank lines are V23's (from the content facts); they are not rows.
      if (line.length === 0) continue
      row.reset(line)
      file.line = line
      // A repeated header is V19's alone: its "values" would fail every field rule.
      const repeatsHeader = line === file.headerLine
      if (!repeatsHeader) file.rows++
      const whole = row.length === file.header.length && !repeatsHeader
      const { onRow, runners, states } = whole ? this.#rowChecks : this.#lineChecks
      for (let k = 0; k < onRow.length; k++) (onRow[k] as OnRow)(row, lineNumber, runners[k] as CheckRunner, states[k])
      if (whole && this.statistics !== undefined) this.statistics.onRow(row, lineNumber)
    }
  }

  #start(headerLine: string): void {
    this.#file.setHeader(headerLine)
    startChecks(this.#runners, this.#file)
    const rowChecks = this.#runners.filter((runner) => runner.active && runner.check.onRow !== undefined)
    this.#rowChecks = hooksOf(rowChecks)
    this.#lineChecks = hooksOf(rowChecks.filter((runner) => runner.check.wholeLine === true))
    const statistics = new StatisticsCollector(this.#file, this.#options)
    this.statistics = statistics.applies ? statistics : undefined
  }
}

type OnRow = NonNullable<Check['onRow']>

interface Hooks {
  readonly onRow: readonly OnRow[]
  readonly runners: readonly CheckRunner[]
  readonly states: readonly unknown[]
}

const NO_HOOKS: Hooks = { onRow: [], runners: [], states: [] }

// The states are read once: `init` has run for every check by the time the header is read.
function hooksOf(runners: readonly CheckRunner[]): Hooks {
  return { onRow: runners.map((runner) => runner.check.onRow as OnRow), runners, states: runners.map((runner) => runner.state) }
}

/** Decides per check: left out (file type lacks its columns), not evaluated (header lacks them), or run. */
function startChecks(runners: readonly CheckRunner[], file: FileState): void {
  for (const runner of runners) {
    if (!runner.active) continue
    const { check } = runner
    if (check.fileTypes !== undefined && file.fileType !== undefined && !check.fileTypes.includes(file.fileType)) {
      runner.inapplicable = true
      continue
    }
    const columns = check.columns ?? []
    if (columns.length > 0 && !file.carries(columns)) {
      runner.inapplicable = true
      continue
    }
    if (columns.length > 0 && !file.hasHeader) {
      runner.skip('the file has no header line')
      continue
    }
    const missing = columns.filter((name) => file.column(name) < 0)
    if (missing.length > 0) {
      runner.skip(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the header`)
      continue
    }
    runner.state = check.init?.(runner)
    if (runner.active && file.hasHeader) check.onHeader?.(file.header, runner, runner.state)
  }
}

function report(file: FileState, runners: readonly CheckRunner[]): ValidationReport {
  const findings: Finding[] = []
  const notEvaluated: NotEvaluated[] = []
  for (const runner of runners) {
    findings.push(...runner.findings())
    if (runner.skipped !== undefined) notEvaluated.push({ rule: runner.check.id, reason: runner.skipped })
  }
  return summarizeReport(file.path, file.rows, findings, notEvaluated)
}
