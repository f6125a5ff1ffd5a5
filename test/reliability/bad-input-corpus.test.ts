import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DemoWorkspace, filesIn, runCli, unclearOutput, type CliResult, type MappingWorkspace } from './cli-workspace.js'

// The bad-input corpus: every case is a mistake a mapping author or an operator makes (or a flag a script
// gets wrong), given to the real command line against the demo database. Each must end in a clear error:
// the exit code of its category, a message naming the file and line, the key or the flag, no stack trace,
// no "internal error", and no file under a final name. Poisoned source values are in poisoned-values.test.ts.

const END = ['--end-date', '2026-10-15']

interface BadInputCase {
  readonly name: string
  /** Edits the demo mapping text; `swap` fails the case if the text to replace is not there. */
  readonly mapping?: (text: string) => string
  /** Replaces the mapping file with these bytes. */
  readonly raw?: string | Buffer
  /** Arguments after `extract --mapping FILE` (default: a full historical as of 2026-10-15). */
  readonly args?: readonly string[]
  /** Full argument list instead (`{mapping}` is the mapping file). */
  readonly argv?: readonly string[]
  readonly env?: Record<string, string>
  readonly exit: number
  /** What the message must name. `{file}` stands for the mapping file's path. */
  readonly says: readonly (RegExp | string)[]
}

function swap(from: string | RegExp, to: string): (text: string) => string {
  return (text) => {
    const changed = text.replace(from, to)
    assert.notEqual(changed, text, `the demo mapping no longer contains ${String(from)}`)
    return changed
  }
}
const column = (name: string, entry: string) => swap(new RegExp(`^  ${name}: .*$`, 'm'), `  ${name}: ${entry}`)
const line = (n: number) => `{file}:${n} `
/** A PostgreSQL source whose password is a secret reference (resolved before any connection is tried). */
const postgresWithPassword = (reference: string) =>
  swap(/ {2}dialect: sqlite\n {2}connection:\n {4}filename: .*\n/, `  dialect: postgres\n  connection:\n    host: 127.0.0.1\n    user: opx_reader\n    database: test\n    password: ${reference}\n`)

const CASES: readonly BadInputCase[] = [
  // ---- malformed YAML
  { name: 'a tab used for indentation', mapping: swap('\n  folder:', '\n\tfolder:'), exit: 78, says: ['YAML syntax', '{file}:16:'] },
  { name: 'an unclosed flow mapping', mapping: swap('from: { table: ci_bseg, as: bs }', 'from: { table: ci_bseg, as: bs'), exit: 78, says: ['YAML syntax'] },
  { name: 'an unclosed quote', mapping: swap(`where: "bs.bseg_stat_flg = '50'"`, `where: "bs.bseg_stat_flg = '50'`), exit: 78, says: ['YAML syntax'] },
  { name: 'a key given twice', mapping: swap('population: res\n', 'population: res\npopulation: nonres\n'), exit: 78, says: ['population', 'YAML syntax'] },
  { name: 'an empty mapping file', raw: '', exit: 78, says: ['utility', 'required'] },
  { name: 'a list instead of a mapping', raw: '- utility: dem\n- timezone: UTC\n', exit: 78, says: ['{file}:1'] },
  { name: 'a mapping file that is binary garbage (invalid UTF-8)', raw: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x3a, 0x0a, 0xc3, 0x28, 0x0a]), exit: 78, says: ['{file}'] },
  { name: 'a YAML alias to an anchor that does not exist', mapping: swap('population: res', 'population: *nothing'), exit: 78, says: ['YAML syntax', '{file}:6:', 'nothing'] },
  { name: 'a YAML alias bomb (billion laughs)', mapping: swap('layout: single', `layout: single\nbomb_a: &a [x, x, x, x, x, x, x, x, x, x]\nbomb_b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nbomb_c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nbomb_d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nbomb_e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]`), exit: 78, says: ['YAML syntax'] },

  // ---- wrong types
  { name: 'utility as a number', mapping: swap('utility: dem', 'utility: 123'), exit: 78, says: [line(4), 'utility'] },
  { name: 'utility code too long', mapping: swap('utility: dem', 'utility: demoutility'), exit: 78, says: [line(4), 'utility'] },
  { name: 'timezone that does not exist', mapping: swap('timezone: America/Chicago', 'timezone: America/Chicgo'), exit: 78, says: [line(5), 'timezone', 'America/Chicago'] },
  { name: 'layout outside its choices', mapping: swap('layout: single', 'layout: triple'), exit: 78, says: ['layout'] },
  { name: 'population outside its choices', mapping: swap('population: res', 'population: commercial'), exit: 78, says: [line(6), 'population'] },
  { name: 'spec_version in the wrong shape', mapping: swap('spec_version: v1-19-0', 'spec_version: 1.19'), exit: 78, says: [line(7), 'spec_version'] },
  { name: 'compression that is not gz or zip', mapping: swap('compression: gz', 'compression: bz2'), exit: 78, says: ['output.compression'] },
  { name: 'max_rejects as text', mapping: swap('layout: single', 'layout: single\nmax_rejects: many'), exit: 78, says: ['max_rejects'] },
  { name: 'max_rejects negative', mapping: swap('layout: single', 'layout: single\nmax_rejects: -1'), exit: 78, says: ['max_rejects'] },
  { name: 'a cleaning policy that does not exist', mapping: swap('layout: single', 'layout: single\ncleaning: { tab: explode }'), exit: 78, says: ['cleaning.tab'] },
  { name: 'a database dialect that does not exist', mapping: swap('dialect: sqlite', 'dialect: db2'), exit: 78, says: ['source.dialect'] },
  { name: 'a value map written as a list', mapping: column('is_estimate', '{ sql: bs.est_sw, map: [Y, N], default: E }'), exit: 78, says: ['columns.is_estimate.map'] },
  { name: 'decimals as text', mapping: swap('decimals: 3', 'decimals: three'), exit: 78, says: ['usage.decimals'] },
  { name: 'net metering policy that does not exist', mapping: swap('net_metering: delivered', 'net_metering: sometimes'), exit: 78, says: ['usage.net_metering'] },
  { name: 'start convention that does not exist', mapping: swap('start_convention: previous_read', 'start_convention: whenever'), exit: 78, says: ['reads.start_convention'] },
  { name: 'a watchdog time that is not a duration', mapping: swap('  dialect: sqlite', '  dialect: sqlite\n  stall_timeout: soon'), exit: 78, says: ['source.stall_timeout'] },
  { name: 'a lookback that is not a duration', mapping: swap('change_detection:', 'incremental: { lookback: forever }\nchange_detection:'), exit: 78, says: ['incremental.lookback'] },
  { name: 'a column entry that is a plain string', mapping: column('read_cycle', 'sp.mr_cyc_cd'), exit: 78, says: ['columns.read_cycle'] },

  // ---- unknown and missing keys
  { name: 'an unknown top-level key', mapping: swap('layout: single', 'layout: single\nutilty_code: dem'), exit: 78, says: ['utilty_code'] },
  { name: 'a misspelt column name', mapping: swap('  account_id: { sql: sa.sa_id }', '  acount_id: { sql: sa.sa_id }'), exit: 78, says: ['acount_id', 'account_id'] },
  { name: 'an unknown option of a column', mapping: column('active_date', '{ sql: sa.start_dt, formatt: date }'), exit: 78, says: ['columns.active_date', 'formatt'] },
  { name: 'a column with both sql and constant', mapping: column('read_cycle', "{ sql: sp.mr_cyc_cd, constant: 'M1' }"), exit: 78, says: ['columns.read_cycle'] },
  { name: 'the read key missing', mapping: swap('  key: bs.bseg_id\n', ''), exit: 78, says: ['reads.key'] },
  { name: 'the utility missing', mapping: swap('utility: dem\n', ''), exit: 78, says: ['utility', 'required'] },
  { name: 'the database file name missing', mapping: swap(/ {4}filename: .*\n/, '    database: billing\n'), exit: 78, says: ['source.connection'] },

  // ---- SQL errors in expressions
  { name: 'a column that does not exist in the table', mapping: column('read_cycle', '{ sql: sp.mr_cyc_cdx }'), exit: 69, says: ['columns.read_cycle', 'mr_cyc_cdx'] },
  { name: 'a table that does not exist', mapping: swap('table: ci_sp, as: sp', 'table: ci_spx, as: sp'), exit: 69, says: ['ci_spx'] },
  { name: 'a SQL syntax error in an expression', mapping: column('usage_charge', '{ sql: "calc.calc_amt +* 2", format: decimal, decimals: 2 }'), exit: 69, says: ['SOURCE_QUERY_FAILED'] },
  { name: 'a SQL syntax error in the where clause', mapping: swap(`where: "bs.bseg_stat_flg = '50'"`, `where: "bs.bseg_stat_flg = = '50'"`), exit: 69, says: ['SOURCE_QUERY_FAILED'] },
  { name: 'an alias that no join declares', mapping: column('read_cycle', '{ sql: spx.mr_cyc_cd }'), exit: 78, says: ['columns.read_cycle', 'spx'] },
  { name: 'a question mark in SQL (a driver placeholder)', mapping: column('read_cycle', "{ sql: \"COALESCE(sp.mr_cyc_cd, '?')\" }"), exit: 78, says: ['columns.read_cycle', '?'] },
  { name: 'a call to a function the database does not have', mapping: column('read_cycle', '{ sql: "NO_SUCH_FUNCTION(sp.mr_cyc_cd)" }'), exit: 69, says: ['NO_SUCH_FUNCTION'] },

  // ---- missing secrets
  { name: 'a password from an environment variable that is not set', mapping: postgresWithPassword('${env:OPX_REL_NO_SUCH_VARIABLE}'), exit: 78, says: ['MAPPING_SECRET_MISSING', 'OPX_REL_NO_SUCH_VARIABLE', 'source.connection.password'] },
  { name: 'a password from a file that does not exist', mapping: postgresWithPassword('${file:/nonexistent/opx-secret.txt}'), exit: 78, says: ['MAPPING_SECRET_MISSING', '/nonexistent/opx-secret.txt', 'source.connection.password'] },
  { name: 'a password reference with a Windows path on Linux', mapping: postgresWithPassword('${file:C:\\opower\\secret.txt}'), exit: 78, says: ['MAPPING_SECRET_MISSING', 'Windows path'] },
  { name: 'a SQLite file whose folder does not exist', mapping: swap(/filename: (.*)/, 'filename: /nonexistent/folder/billing.sqlite'), exit: 75, says: ['SOURCE_CONNECT_FAILED', 'source.connection', '/nonexistent/folder/billing.sqlite'] },

  // ---- invalid dates and end dates
  { name: 'an end date that is not a calendar date (30 February)', args: ['--phase', 'full', '--end-date', '2026-02-30'], exit: 64, says: ['--end-date', '2026-02-30'] },
  { name: 'an end date without dashes', args: ['--phase', 'full', '--end-date', '20261015'], exit: 64, says: ['--end-date'] },
  { name: 'an end date that is a word', args: ['--phase', 'full', '--end-date', 'yesterday'], exit: 64, says: ['--end-date', 'yesterday'] },
  { name: 'an end date carrying SQL', args: ['--phase', 'full', '--end-date', "2025-01-01' OR '1'='1"], exit: 64, says: ['--end-date'] },
  { name: 'a from date after the end date', args: ['--phase', 'full', '--end-date', '2025-01-01', '--from', '2025-06-01'], exit: 64, says: ['--from', '--end-date'] },
  { name: 'a from date of month 13', args: ['--phase', 'full', '--end-date', '2026-10-15', '--from', '2025-13-01'], exit: 64, says: ['--from'] },
  { name: 'a launch date of month 13', mapping: swap('launch_date: 2026-12-01', 'launch_date: 2026-13-01'), exit: 78, says: ['launch_date'] },
  { name: 'a launch date given as a list', mapping: swap('launch_date: 2026-12-01', 'launch_date: [2026, 12, 1]'), exit: 78, says: ['launch_date'] },

  // ---- bad flags
  { name: 'an unknown flag', args: ['--phase', 'full', ...END, '--bogus'], exit: 64, says: ['bogus'] },
  { name: 'a phase that does not exist', args: ['--phase', 'weekly', ...END], exit: 64, says: ['phase', 'weekly'] },
  { name: 'no phase', args: [...END], exit: 64, says: ['phase'] },
  { name: 'no mapping', argv: ['extract', '--phase', 'full', ...END], exit: 64, says: ['mapping'] },
  { name: 'a mapping file that does not exist', argv: ['extract', '--mapping', '/nonexistent/mapping.yaml', '--phase', 'full', ...END], exit: 78, says: ['MAPPING_NOT_FOUND', '/nonexistent/mapping.yaml'] },
  { name: 'a sample size that is not a number', args: ['--phase', 'sample', ...END, '--sample-size', 'many'], exit: 64, says: ['--sample-size'] },
  { name: 'a negative sample size', args: ['--phase', 'sample', ...END, '--sample-size', '-5'], exit: 64, says: ['--sample-size'] },
  { name: 'zero rows per file', args: ['--phase', 'full', ...END, '--max-rows-per-file', '0'], exit: 64, says: ['--max-rows-per-file'] },
  { name: '--rerun with a historical phase', args: ['--phase', 'full', ...END, '--rerun', 'incremental-0001'], exit: 64, says: ['--rerun'] },
  { name: 'an unknown command', argv: ['extrakt', '--mapping', '{mapping}'], exit: 64, says: ['Did you mean extract'] },
]

describe(`bad-input corpus: ${CASES.length} mistakes, each a clear error from the spawned command line`, { concurrency: 3 }, () => {
  let workspace: DemoWorkspace
  before(() => {
    workspace = new DemoWorkspace()
  })
  after(() => workspace.dispose())

  it('has at least 50 cases, each with its own name', () => {
    assert.ok(CASES.length >= 50, `${CASES.length} cases`)
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length)
  })

  for (const testCase of CASES) {
    it(`${testCase.name} → exit ${testCase.exit}`, async () => {
      const ws: MappingWorkspace = workspace.mapping(testCase.mapping)
      if (testCase.raw !== undefined) writeFileSync(ws.file, testCase.raw)
      const argv = (testCase.argv ?? ['extract', '--mapping', ws.file, ...(testCase.args ?? ['--phase', 'full', ...END])]).map((arg) => arg.replace('{mapping}', ws.file))
      const result = await runCli(argv, { cwd: ws.folder, env: { ...process.env, TZ: 'UTC', ...testCase.env } })
      assertClearError(result, testCase, ws)
    })
  }
})

function assertClearError(result: CliResult, testCase: BadInputCase, ws: MappingWorkspace): void {
  const shown = `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`
  assert.equal(result.code, testCase.exit, shown)
  assert.equal(unclearOutput(result), undefined, shown)
  assert.match(result.stderr, /^opower-extract: [A-Z_]+: /m, `the error names its code\n${shown}`)
  for (const expected of testCase.says) {
    const text = typeof expected === 'string' ? expected.replace('{file}', ws.file) : expected
    if (typeof text === 'string') assert.ok(result.stderr.includes(text), `the message names "${text}"\n${shown}`)
    else assert.match(result.stderr, text, shown)
  }
  assert.deepEqual(filesIn(ws.out).filter((name) => name.startsWith('opwr_')), [], 'no file under a final name')
  assert.deepEqual(filesIn(join(ws.out)).filter((name) => name.startsWith('.part-')), [], 'no temporary file left')
}
