import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadMapping } from '../../src/config/load-mapping.js'
import type { Mapping } from '../../src/config/mapping.js'
import { historicalWindow } from '../../src/extract/extract-window.js'
import { incrementalFilters } from '../../src/extract/incremental-filter.js'
import type { IncrementalWindow } from '../../src/extract/incremental-window.js'
import { buildPremiseQuery, buildReadCountQuery, buildReadQuery } from '../../src/extract/read-query.js'
import type { SourceDialect } from '../../src/source/source-dialect.js'

const CCB_TEMPLATE = readFileSync(new URL('../../../templates/ccb.yaml', import.meta.url), 'utf8')

/** One statement an extract phase sends, as generic code builds it (`?` placeholders). */
export interface PhaseStatement {
  readonly phase: string
  readonly sql: string
  readonly bindings: readonly unknown[]
}

/**
 * The CC&B starter mapping (written for Oracle) with `source` replaced, loaded through the real mapping
 * loader.
 */
export function ccbMapping(source: string): { mapping: Mapping; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'opx-foreign-'))
  const text = CCB_TEMPLATE.replace(/^source:\n(?:  .*\n)+/m, `${source.trim()}\n`)
    .replace(/^purpose: production$/m, 'purpose: demo')
  const file = join(dir, 'mapping.yaml')
  writeFileSync(file, text)
  return { mapping: loadMapping(file).mapping, dispose: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Premise ids that look like CC&B's 10-digit keys. */
export function premiseIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(5_000_000_000 + i * 7))
}

/** Every statement the sample, full historical and incremental phases send for `mapping`, built for `dialect`. */
export function compiledPhases(mapping: Mapping, dialect: SourceDialect, premisesPerQuery: number): PhaseStatement[] {
  const window = historicalWindow({ endDate: '2026-10-15', from: undefined, launchDate: mapping.launchDate })
  const full = { from: window.from, toExclusive: window.toExclusive }
  const sample = { ...full, premises: premiseIds(premisesPerQuery) }
  const statement = (phase: string, query: { sql: string; bindings: readonly unknown[] }): PhaseStatement => ({ phase, ...query })
  return [
    statement('sample: premises', buildPremiseQuery(mapping, dialect, full)),
    statement('sample: count', buildReadCountQuery(mapping, dialect, sample)),
    statement('sample: reads', buildReadQuery(mapping, dialect, sample)),
    statement('full: count', buildReadCountQuery(mapping, dialect, full)),
    statement('full: reads', buildReadQuery(mapping, dialect, full)),
    ...incrementalStatements('incremental', { ...INCREMENTAL, asOf: undefined }),
    ...incrementalStatements('first incremental after a historical as of D', { ...INCREMENTAL, asOf: window.end }),
    statement('clock', { sql: dialect.currentTimestampQuery(), bindings: [] }),
  ]

  function incrementalStatements(phase: string, incremental: IncrementalWindow): PhaseStatement[] {
    return incrementalFilters(mapping, dialect, incremental).map((filter) => statement(`${phase}: reads`, buildReadQuery(mapping, dialect, filter)))
  }
}

const INCREMENTAL = {
  kind: 'incremental',
  historyFrom: '2024-10-16',
  lower: '2026-11-20 06:00:00.25',
  upper: '2026-11-29 23:00:00',
  baselineBefore: 2,
} as const

/** Text of `sql` outside quoted strings, quoted identifiers and comments. */
export function outsideLiterals(sql: string): string {
  return sql.replace(/'[^']*'|"[^"]*"|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
}
