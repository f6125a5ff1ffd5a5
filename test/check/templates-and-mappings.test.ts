import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'
import { createHomegrownDatabase } from '../fixtures/homegrown/create-homegrown-database.js'

// Every template of templates/ and every mapping of mappings/ is checked against its database and runs
// an extract: `ccb` and `demo` against the CC&B-shaped demo database, `generic` against the home-grown
// fixture (a customers + reads schema). The templates name production databases (Oracle, PostgreSQL),
// so their source block is pointed at the SQLite file, as a mapping author would for a dry run.

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'opx-templates-'))
const demoDatabase = join(dir, 'demo', 'billing.sqlite')
const homegrownDatabase = join(dir, 'homegrown.sqlite')
const header = join(dir, 'opower-template.tsv')
/** The Delivery Team's template header: the spec pack's columns without the provisional ones. */
const HEADER = 'customer_id premise_id secondary_id ccb_account_id mail_address_line_1 account_id active_date inactive_date is_account_deletion read_cycle service_point_id service_house_number service_street_name service_unit service_city service_state service_zip_code usage_value date_to duration is_estimate usage_charge'.split(' ')
after(() => rmSync(dir, { recursive: true, force: true }))

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function withSqliteSource(text: string, database: string): string {
  const replaced = text.replace(/^source:\n(?: .*\n)+/m, `source:\n  dialect: sqlite\n  connection:\n    filename: ${database}\n`)
  assert.notEqual(replaced, text)
  return replaced
}

function checkPasses(mapping: string): string {
  const run = cli('check', '--mapping', mapping, '--preview', '2')
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  assert.match(run.stdout, /\n0 errors, \d+ warnings\n/)
  assert.match(run.stdout, /ok +values +columns\.is_estimate: every source value maps/)
  assert.match(run.stdout, /ok +preview +2 reads mapped without a problem/)
  return run.stdout
}

function extractRows(mapping: string, ...args: string[]): Record<string, string>[] {
  const run = cli('extract', '--mapping', mapping, ...args)
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`)
  const file = /(\S+opwr_\S+\.gz)/.exec(run.stdout)?.[1]
  assert.ok(file, run.stdout)
  const lines = gunzipSync(readFileSync(file.startsWith('/') ? file : join(dir, file))).toString('utf8').trimEnd().split('\n')
  const names = lines[0]!.split('\t')
  return lines.slice(1).map((line) => Object.fromEntries(line.split('\t').map((value, i) => [names[i]!, value])))
}

describe('templates and mappings, each against its database', () => {
  before(() => {
    mkdirSync(join(dir, 'demo'))
    createDemoDatabase(demoDatabase, { customers: 200, seed: 3 })
    createHomegrownDatabase(homegrownDatabase, { accounts: 60, seed: 2 })
    writeFileSync(header, `${HEADER.join('\t')}\n`)
  })

  it('demo: the starter mapping next to the demo folder checks clean and extracts a sample', () => {
    assert.equal(cli('init', '--template', 'demo', '--out', 'demo-mapping.yaml').code, 0)
    checkPasses('demo-mapping.yaml')
    const rows = extractRows('demo-mapping.yaml', '--phase', 'sample', '--end-date', '2026-10-15', '--sample-size', '60', '--seed', '4')
    assert.ok(rows.length > 100, `${rows.length} rows`)
  })

  it("ccb: with the Delivery Team's header, against the demo database, it extracts what the demo mapping extracts", () => {
    mkdirSync(join(dir, 'ccb'))
    assert.equal(cli('init', '--template', 'ccb', '--header-from', header, '--out', 'ccb/ccb.yaml').code, 0)
    const text = readFileSync(join(dir, 'ccb', 'ccb.yaml'), 'utf8')
    assert.match(text, /dialect: oracle/)
    assert.match(text, /from: \{ table: CI_BSEG, as: bs \}/)
    writeFileSync(join(dir, 'ccb', 'ccb.yaml'), withSqliteSource(text, demoDatabase))
    const report = checkPasses('ccb/ccb.yaml')
    assert.match(report, /ok +index +CI_BSEG\.STAT_CHG_DTTM \(reads changes\) is indexed/)
    const sample = ['--phase', 'sample', '--end-date', '2026-10-15', '--sample-size', '60', '--seed', '4']
    const ccbRows = extractRows('ccb/ccb.yaml', ...sample)
    const demoRows = extractRows('demo-mapping.yaml', ...sample).map((row) => Object.fromEntries(HEADER.map((name) => [name, row[name]])))
    assert.ok(ccbRows.length > 100)
    assert.deepEqual(ccbRows, demoRows)
  })

  it('generic: against the home-grown customers + reads schema, it checks clean and extracts a full historical', () => {
    mkdirSync(join(dir, 'generic'))
    assert.equal(cli('init', '--template', 'generic', '--header-from', header, '--out', 'generic/generic.yaml').code, 0)
    const text = readFileSync(join(dir, 'generic', 'generic.yaml'), 'utf8')
    // The fixture has no location column: its meters are numbered EM<location> and GM<location>.
    const located = text.replace('premise_id: { sql: c.location_id }', 'premise_id: { sql: "SUBSTR(c.meter_id, 3)" }')
    writeFileSync(join(dir, 'generic', 'generic.yaml'), withSqliteSource(located, homegrownDatabase))
    const report = checkPasses('generic/generic.yaml')
    assert.match(report, /ok +index +reads\.updated_at \(reads changes\) is indexed/)
    const rows = extractRows('generic/generic.yaml', '--phase', 'full', '--end-date', '2025-12-31')
    assert.ok(rows.length > 500, `${rows.length} rows`)
    assert.ok(rows.some((row) => row['is_estimate'] === 'E'))
  })

  it('mappings/: every file checks clean against its database', () => {
    const databases: Record<string, (text: string) => string> = {
      'demo-sqlite.yaml': (text) => text.replace('../demo/billing.sqlite', demoDatabase).replaceAll('../demo/', './demo-copy/'),
    }
    const files = readdirSync(join(ROOT, 'mappings')).filter((name) => name.endsWith('.yaml'))
    assert.ok(files.length > 0)
    for (const name of files) {
      const pointAtDatabase = databases[name]
      assert.ok(pointAtDatabase, `mappings/${name} has no database in this test: add one`)
      writeFileSync(join(dir, name), pointAtDatabase(readFileSync(join(ROOT, 'mappings', name), 'utf8')))
      checkPasses(name)
    }
  })
})
