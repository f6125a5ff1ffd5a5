import type { FileSpec, FileType } from '../spec/file-layout.js'
import type { ContentFacts } from './content-facts.js'
import type { EntityCodec, EntityMap } from './entity-map.js'
import type { FileNameParts } from './file-name-parts.js'
import type { Container } from './open-spec-file.js'
import type { ValidationOptions } from './validation-options.js'
import type { ReadSteps } from './read-steps.js'
import type { Row } from './row.js'
import type { FindingExample, Severity } from './validation-report.js'
import type { ZipEntryFact } from './zip-archive.js'

/** What the driver knows about the file under validation. Checks read it; only the driver writes it. */
export interface ValidatedFile {
  readonly path: string
  /** The base name (V01–V10 judge it). */
  readonly name: string
  /** The name's tokens, or undefined when it cannot be split (V01 reports that). */
  readonly nameParts: FileNameParts | undefined
  /** From `options.expected`, else from the name's type token; undefined when neither says. */
  readonly fileType: FileType | undefined
  /** The header the file must carry (V18); undefined when the file type is unknown. */
  readonly expected: FileSpec | undefined
  readonly container: Container
  readonly innerName: string | undefined
  readonly zipEntries: readonly ZipEntryFact[]
  readonly zipEntryCount: number
  /** Byte-level facts; complete only in `onEnd`. */
  readonly content: ContentFacts
  /** The header's fields, empty until it is read or when the file has no line at all. */
  readonly header: readonly string[]
  readonly hasHeader: boolean
  readonly headerLine: string
  /** Data rows seen so far (blank lines and repeated headers excluded). */
  readonly rows: number
  /** The raw text of the current row, valid inside `onRow` (one `indexOf` on it is cheaper than a loop over fields). */
  readonly line: string
  /** The current row is pure ASCII (known per decompressed block, so checks can skip Unicode cases cheaply). */
  readonly ascii: boolean
  /**
   * The current row's block may hold whitespace other than space, TAB, CR and LF (\v, \f, no-break and
   * other Unicode spaces); false rules it out for every row of the block (V25).
   */
  readonly otherWhitespace: boolean
  /** The service points' reads in order (V71–V73, statistics), stepped once per row; use after the header. */
  readonly readSteps: ReadSteps
  /** Index of the first header field with this name, or -1. */
  column(name: string): number
  /** Index of the last header field with this name, or -1 (the usage copy of a repeated `service_point_id`). */
  lastColumn(name: string): number
}

/** A check's handle on the run: options, file, and where findings go (attributed to the check). */
export interface CheckContext {
  readonly options: ValidationOptions
  readonly file: ValidatedFile
  /** Records one occurrence; the severity defaults to the check's own. */
  report(example: FindingExample, severity?: Severity): void
  /** Records `count` occurrences at once (byte-level facts), keeping the given examples within the limit. */
  reportBulk(count: number, examples: readonly FindingExample[], severity?: Severity): void
  /** Records one occurrence on a data row: adds the row's service point and the column's name. */
  reportRow(row: Row, line: number, column: number, message: string, severity?: Severity): void
  /**
   * Marks the check "not evaluated" for this file with a reason; no later hook of it runs. Call it from
   * `onFileName`, `init` or `onHeader`.
   */
  skip(reason: string): void
  /**
   * A map for what the rule remembers per entity (account, premise, service point) across the file: in
   * memory while small, on disk past `ENTITY_MAP_MEMORY_LIMIT` entries, so memory does not grow with the file.
   */
  entityMap<V>(codec: EntityCodec<V>): EntityMap<V>
}

/**
 * One rule of VALIDATION-RULES.md. The driver calls the hooks in order: `onFileName`, then (once the
 * header is read and the check applies) `init`, `onHeader`, `onRow` for every data row, `onEnd`.
 *
 * A check that lists `columns` runs only when every one of them is in the header; otherwise it is
 * reported "not evaluated" (or silently left out when the file type does not carry those columns at all,
 * like usage rules on a `customer` file). `onRow` sees only data rows as wide as the header, unless
 * `wholeLine` is set: a row of the wrong width is V20's, and its fields cannot be told apart; a line
 * repeating the header is V19's.
 *
 * Per-file state lives in what `init` returns, so one check object serves any number of runs. Later
 * rules that compare against accepted deliveries get their baseline through `options` in the same way.
 * `onRow` is called as a plain function (no `this`), from a list the driver builds after the header.
 *
 * ```ts
 * export const v34AccountId: Check<{ col: number }> = {
 *   id: 'V34', severity: 'error', title: 'account_id is non-empty', columns: ['account_id'],
 *   init: (ctx) => ({ col: ctx.file.column('account_id') }),
 *   onRow(row, line, ctx, s) { if (row.field(s.col) === '') ctx.reportRow(row, line, s.col, 'account_id is empty') },
 * }
 * ```
 */
export interface Check<S = unknown> {
  readonly id: string
  readonly severity: Severity
  readonly title: string
  readonly columns?: readonly string[]
  readonly fileTypes?: readonly FileType[]
  readonly wholeLine?: boolean
  init?(ctx: CheckContext): S
  onFileName?(name: string, ctx: CheckContext): void
  onHeader?(fields: readonly string[], ctx: CheckContext, state: S): void
  onRow?(row: Row, rowNumber: number, ctx: CheckContext, state: S): void
  onEnd?(ctx: CheckContext, state: S): void
}
