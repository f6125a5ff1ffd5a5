import type { Check, CheckContext } from './check.js'
import type { EntityCodec, EntityMap, EntityStore } from './entity-map.js'
import type { FileState } from './file-state.js'
import type { Row } from './row.js'
import type { ValidationOptions } from './validation-options.js'
import type { Finding, FindingExample, Severity } from './validation-report.js'

interface Tally {
  count: number
  readonly examples: FindingExample[]
}

/**
 * One check's run over one file: its state, its findings (counted exactly, examples capped) and whether
 * it was skipped. It is the `CheckContext` the check's hooks receive.
 */
export class CheckRunner implements CheckContext {
  readonly check: Check
  readonly options: ValidationOptions
  readonly file: FileState
  state: unknown = undefined
  skipped: string | undefined = undefined
  /** Left out without a word: the file type does not carry the check's columns. */
  inapplicable = false
  readonly #tallies = new Map<Severity, Tally>()
  readonly #entities: EntityStore

  constructor(check: Check, options: ValidationOptions, file: FileState, entities: EntityStore) {
    this.check = check
    this.options = options
    this.file = file
    this.#entities = entities
  }

  get active(): boolean {
    return this.skipped === undefined && !this.inapplicable
  }

  report(example: FindingExample, severity: Severity = this.check.severity): void {
    let tally = this.#tallies.get(severity)
    if (tally === undefined) {
      tally = { count: 0, examples: [] }
      this.#tallies.set(severity, tally)
    }
    tally.count++
    if (tally.examples.length < this.options.exampleLimit) tally.examples.push(example)
  }

  reportBulk(count: number, examples: readonly FindingExample[], severity: Severity = this.check.severity): void {
    if (count <= 0) return
    for (const example of examples.slice(0, count)) this.report(example, severity)
    const tally = this.#tallies.get(severity)
    const rest = count - Math.min(count, examples.length)
    if (tally !== undefined) tally.count += rest
    else if (rest > 0) this.#tallies.set(severity, { count: rest, examples: [] })
  }

  reportRow(row: Row, line: number, column: number, message: string, severity?: Severity): void {
    const sp = row.field(this.file.column('service_point_id'))
    const example: { line: number; servicePointId?: string; column?: string; message: string; value?: string } = { line, message }
    if (sp !== undefined && sp !== '') example.servicePointId = sp
    const name = this.file.header[column]
    if (name !== undefined) example.column = name
    if (name !== undefined && this.options.showPersonalData) example.value = row.field(column)
    this.report(example, severity)
  }

  skip(reason: string): void {
    this.skipped ??= reason
  }

  entityMap<V>(codec: EntityCodec<V>): EntityMap<V> {
    return this.#entities.map(codec)
  }

  /** Errors first, then warnings. */
  findings(): Finding[] {
    const findings: Finding[] = []
    for (const severity of ['error', 'warning'] as const) {
      const tally = this.#tallies.get(severity)
      if (tally === undefined) continue
      const { id: rule, title } = this.check
      findings.push({ rule, severity, title, count: tally.count, examples: tally.examples })
    }
    return findings
  }
}
