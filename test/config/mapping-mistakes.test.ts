import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runMappingCheck } from '../../src/check/run-mapping-check.js'
import { loadMapping } from '../../src/config/load-mapping.js'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'
import { ToolkitError } from '../../src/errors/toolkit-error.js'

// The mistakes a mapping author most likely makes, each with the message they get: file:line, the key,
// what was expected and, where one is close, a suggestion. (load-mapping.test.ts has the first few:
// a misspelt time zone, column, enum value and nested key, YAML syntax, provisional columns, "?" in SQL.)

const DEMO = readFileSync(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'opx-mistakes-'))
const database = join(dir, 'billing.sqlite')
let files = 0
after(() => rmSync(dir, { recursive: true, force: true }))

/** The demo mapping with one mistake, pointing at this test's database and folders. */
function mapping(edit: (text: string) => string): { path: string; text: string } {
  const text = edit(DEMO.replace('../demo/billing.sqlite', database).replaceAll('../demo/', './'))
  assert.notEqual(text, DEMO.replace('../demo/billing.sqlite', database).replaceAll('../demo/', './'), 'the edit changed nothing')
  const path = join(dir, `mistake-${++files}.yaml`)
  writeFileSync(path, text)
  return { path, text }
}

function problemsOf(path: string): string[] {
  try {
    loadMapping(path)
  } catch (error) {
    assert.ok(error instanceof ToolkitError, String(error))
    assert.equal(error.code, 'MAPPING_INVALID')
    return [...error.details]
  }
  assert.fail('the mapping was accepted')
}

/** The one problem the mistake causes. */
function problemOf(edit: (text: string) => string): { problem: string; path: string; text: string } {
  const { path, text } = mapping(edit)
  const problems = problemsOf(path)
  assert.equal(problems.length, 1, problems.join('\n'))
  return { problem: problems[0]!, path, text }
}

function lineOf(text: string, needle: string, occurrence = 1): number {
  let at = -1
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1)
  assert.ok(at >= 0, `"${needle}" is in the mapping`)
  return text.slice(0, at).split('\n').length
}

async function checkErrors(path: string, env: Record<string, string> = {}): Promise<string[]> {
  const report = await runMappingCheck({ mappingFile: path, env, preview: 0 })
  return report.findings.filter((f) => f.severity === 'error').map((f) => `${f.message}${f.hint ? ` (${f.hint})` : ''}`)
}

describe('the 20 most likely mapping mistakes, and what their authors read', () => {
  before(() => {
    createDemoDatabase(database, { customers: 150, seed: 5 })
  })

  it('1. a misspelt top-level key: its line and the key it should be', () => {
    const { problem, path, text } = problemOf((t) => t.replace('change_detection:', 'change_detecton:'))
    assert.equal(problem, `${path}:${lineOf(text, 'change_detecton:')} change_detecton: unknown key (did you mean "change_detection"?)`)
  })

  it('2. a misspelt column option: the options allowed there', () => {
    const { problem, path, text } = problemOf((t) => t.replace('map: { Y: E, N: A }, default: E', 'map: { Y: E, N: A }, defualt: E'))
    assert.equal(problem, `${path}:${lineOf(text, 'defualt')} columns.is_estimate.defualt: unknown key (did you mean "default"?)`)
  })

  it('3. a column the spec does not have, with nothing close: what can be mapped', () => {
    const { problem, path, text } = problemOf((t) => t.replace('columns:\n', 'columns:\n  meter_number: { sql: sp.sp_id }\n'))
    assert.equal(problem, `${path}:${lineOf(text, 'meter_number')} columns.meter_number: "meter_number" is not a column of the single layout (only spec columns (or the template header's) can be mapped)`)
  })

  it('4. a word where a number belongs', () => {
    const { problem, path, text } = problemOf((t) => t.replace('compression: gz', 'compression: gz\n  max_rows_per_file: two million'))
    assert.equal(problem, `${path}:${lineOf(text, 'max_rows_per_file')} output.max_rows_per_file: Invalid input: expected number, received string`)
  })

  it('5. a fraction where a whole number belongs', () => {
    const { problem, path, text } = problemOf((t) => t.replace('  decimals: 3\n', '  decimals: 2.5\n'))
    assert.match(problem, new RegExp(`^${esc(path)}:${lineOf(text, 'decimals: 2.5')} usage\\.decimals: .*expected int`))
  })

  it('6. a table alias used in SQL but not declared in the joins: the alias and the closest declared one', () => {
    const { problem, path, text } = problemOf((t) => t.replace('service_city: { sql: prem.city }', 'service_city: { sql: prm.city }'))
    assert.equal(problem, `${path}:${lineOf(text, 'prm.city')} columns.service_city.sql: "prm" is not a table alias of from or joins (declared: bs, sa, sasp, sp, prem, acct, ap, per, pn, sq, calc) (did you mean "prem"? Otherwise add a join { table: <table>, as: prm, on: <condition> })`)
  })

  it('6b. a join left out: every line that uses its alias, and how to add it', () => {
    const { path, text } = mapping((t) => t.replace('  - { table: ci_prem, as: prem, on: prem.prem_id = sp.prem_id }\n', ''))
    const problems = problemsOf(path)
    assert.equal(problems.length, 8, problems.join('\n'))
    assert.ok(
      problems.includes(`${path}:${lineOf(text, 'service_city:')} columns.service_city.sql: "prem" is not a table alias of from or joins (declared: bs, sa, sasp, sp, acct, ap, per, pn, sq, calc) (did you mean "per"? Otherwise add a join { table: <table>, as: prem, on: <condition> })`),
      problems.join('\n'),
    )
  })

  it('7. a join that refers to a table joined after it', () => {
    const { problem, path, text } = problemOf((t) => t.replace('{ table: ci_sa_sp, as: sasp, on: sasp.sa_id = sa.sa_id }', '{ table: ci_sa_sp, as: sasp, on: sasp.sa_id = sa.sa_id AND sasp.sp_id = sp.sp_id }'))
    assert.equal(problem, `${path}:${lineOf(text, 'table: ci_sa_sp')} joins.1.on: "sp" is joined only after this join; its on may use bs, sa, sasp (move the join of that table before this one)`)
  })

  it('8. a value-map hole: the source values the map lacks, with their row counts', async () => {
    const { path, text } = mapping((t) => t.replace('map: { Y: E, N: A }', 'map: { Y: E }'))
    const errors = await checkErrors(path)
    assert.equal(errors.length, 1, errors.join('\n'))
    assert.match(errors[0]!, new RegExp(`^${esc(path)}:${lineOf(text, 'map: { Y: E }')} columns\\.is_estimate\\.map: source values missing from the map \\(their rows would be rejected\\): "N" \\d+ rows \\(add them to columns\\.is_estimate\\.map, or set unmapped: default with a default\\)$`))
  })

  it('9. a unit code the fuel does not declare', async () => {
    const { path, text } = mapping((t) => t.replace('units: { THERM: 1, CCF: 1.037 }', 'units: { THERM: 1 }'))
    const errors = await checkErrors(path)
    assert.equal(errors.length, 1, errors.join('\n'))
    assert.match(errors[0]!, new RegExp(`^${esc(path)}:${lineOf(text, 'units: { THERM: 1 }')} usage\\.fuels\\.gas\\.units: unit codes of gas rows that are neither in units nor in ignore: "CCF" \\d+ rows \\(declare each in usage\\.fuels\\.gas\\.units with its factor, or in ignore`))
  })

  it('10. a secret whose environment variable is not set', async () => {
    const { path, text } = mapping((t) => t.replace(`filename: ${database}`, `filename: ${database}\n    password: \${env:OPX_NOT_SET_PASSWORD}`))
    const errors = await checkErrors(path)
    assert.deepEqual(errors, [
      `${path}:${lineOf(text, 'password:')} source.connection.password: environment variable OPX_NOT_SET_PASSWORD is not set (set OPX_NOT_SET_PASSWORD in the environment of the job that runs opower-extract)`,
    ])
    assert.deepEqual(await checkErrors(path, { OPX_NOT_SET_PASSWORD: 'x' }), [], 'set, it resolves')
  })

  it('11. a city instead of an IANA time zone name', () => {
    const { problem, path } = problemOf((t) => t.replace('timezone: America/Chicago', 'timezone: Chicago'))
    assert.equal(problem, `${path}:5 timezone: "Chicago" is not an IANA time zone (write it like America/Chicago or Europe/Paris)`)
  })

  it('12. a date the calendar does not have', () => {
    const { problem, path, text } = problemOf((t) => t.replace('launch_date: 2026-12-01', 'launch_date: 2026-02-30'))
    assert.equal(problem, `${path}:${lineOf(text, 'launch_date')} launch_date: expected a date of the calendar (month 01–12, a day the month has)`)
  })

  it('13. a date written the American way', () => {
    const { problem, path, text } = problemOf((t) => t.replace('launch_date: 2026-12-01', 'launch_date: 12/01/2026'))
    assert.equal(problem, `${path}:${lineOf(text, 'launch_date')} launch_date: expected a date written YYYY-MM-DD`)
  })

  it('14. a misspelt database kind: the dialects there are', () => {
    const { problem, path, text } = problemOf((t) => t.replace('dialect: sqlite', 'dialect: orcale'))
    assert.equal(problem, `${path}:${lineOf(text, 'dialect:')} source.dialect: "orcale" is not allowed (expected one of sqlite, postgres, mysql, oracle, mssql; did you mean "oracle"?)`)
  })

  it('15. a column written twice', () => {
    const { path, text } = mapping((t) => t.replace('  read_cycle: { sql: sp.mr_cyc_cd }\n', '  read_cycle: { sql: sp.mr_cyc_cd }\n  account_id: { sql: acct.acct_id }\n'))
    assert.deepEqual(problemsOf(path), [`${path}:${lineOf(text, '  read_cycle:') + 1}: YAML syntax: Map keys must be unique ("account_id" is written twice in the same map: keep one)`])
  })

  it('16. a column given both sql and a constant', () => {
    const { problem, path, text } = problemOf((t) => t.replace('read_cycle: { sql: sp.mr_cyc_cd }', 'read_cycle: { sql: sp.mr_cyc_cd, constant: R1 }'))
    assert.equal(problem, `${path}:${lineOf(text, 'read_cycle:')} columns.read_cycle: give exactly one of sql, constant or empty (found 2)`)
  })

  it('17. a required column left empty', () => {
    const { problem, path, text } = problemOf((t) => t.replace('account_id: { sql: sa.sa_id }', 'account_id: { empty: true }'))
    assert.equal(problem, `${path}:${lineOf(text, '  account_id: { empty')} columns.account_id: "account_id" is required by the spec and cannot be empty`)
  })

  it('18. a computed column mapped by hand', () => {
    const { problem, path, text } = problemOf((t) => t.replace('columns:\n', 'columns:\n  usage_value: { sql: sq.bill_sq }\n'))
    assert.equal(problem, `${path}:${lineOf(text, '  usage_value: {')} columns.usage_value: "usage_value" is computed from reads/usage and cannot be mapped (remove columns.usage_value)`)
  })

  it('19. both a start date and a duration', () => {
    const { problem, path, text } = problemOf((t) => t.replace('  start_date: bs.start_dt\n', '  start_date: bs.start_dt\n  duration: bs.days\n'))
    assert.equal(problem, `${path}:${lineOf(text, 'reads:')} reads: give exactly one of reads.start_date and reads.duration`)
  })

  it('20. a unit factor written with a decimal comma', () => {
    const { problem, path, text } = problemOf((t) => t.replace('CCF: 1.037', 'CCF: "1,037"'))
    assert.equal(problem, `${path}:${lineOf(text, 'CCF:')} usage.fuels.gas.units.CCF: factor 1,037 is not a positive decimal`)
  })

  it('21. one fuel code claimed by two fuels', () => {
    const { problem, path, text } = problemOf((t) => t.replace('match: [G-RES, G-COM]', 'match: [G-RES, G-COM, E-COM]'))
    assert.equal(problem, `${path}:${lineOf(text, 'match: [G-RES')} usage.fuels.gas.match: "E-COM" already belongs to fuel electric`)
  })

  it('22. a password written into the mapping', () => {
    const { problem, path, text } = problemOf((t) => t.replace(`filename: ${database}`, `filename: ${database}\n    password: hunter2`))
    assert.equal(problem, `${path}:${lineOf(text, 'password:')} source.connection.password: a password is written in the mapping file (use \${env:NAME} or \${file:PATH})`)
  })

  it('23. a required key left out', () => {
    const { problem, path, text } = problemOf((t) => t.replace('  key: bs.bseg_id\n', ''))
    assert.equal(problem, `${path}:${lineOf(text, 'reads:')} reads.key: required key is missing (expected string)`)
  })

  it('24. unmapped: default without a default', () => {
    const { problem, path, text } = problemOf((t) => t.replace('map: { Y: E, N: A }, default: E', 'map: { Y: E, N: A }, unmapped: default'))
    assert.equal(problem, `${path}:${lineOf(text, 'unmapped')} columns.is_estimate.unmapped: unmapped: default needs a default value`)
  })

  it('25. an entity without change detection', async () => {
    const { path, text } = mapping((t) => t.replace('  premises: { diff: true }\n', ''))
    const errors = await checkErrors(path)
    assert.deepEqual(errors, [
      `${path}:${lineOf(text, 'change_detection:')} change_detection: no change detection for premises: incremental extracts could not find their changes (add change_detection.premises: { timestamp: <last-update column> }, or { diff: true } where the table has none)`,
    ])
  })

  it('26. a key column written as a constant', async () => {
    const { path, text } = mapping((t) => t.replace('premise_id: { sql: prem.prem_id }', 'premise_id: { constant: P1 }'))
    const errors = await checkErrors(path)
    assert.ok(errors.includes(`${path}:${lineOf(text, 'premise_id:')} columns.premise_id: premise_id is the key of premises and must come from the database (found constant) (map it with sql: <table alias>.<key column>)`), errors.join('\n'))
  })
})

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
