import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import { ToolkitError } from '../../src/errors/toolkit-error.js'

const DEMO = readFileSync(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'opx-mapping-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function problemsOf(path: string): string[] {
  try {
    loadMapping(path)
  } catch (error) {
    assert.ok(error instanceof ToolkitError)
    assert.equal(error.code, 'MAPPING_INVALID')
    return [...error.details]
  }
  assert.fail('the mapping was accepted')
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length
}

describe('loadMapping', () => {
  it('accepts the demo mapping and resolves paths against the mapping folder', () => {
    const { mapping } = loadMapping(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url).pathname)
    assert.equal(mapping.utility, 'dem')
    assert.match(String(mapping.source.connection.filename), /\/demo\/billing\.sqlite$/)
    assert.equal(mapping.fileSpecs.length, 1)
    assert.equal(mapping.columns.get('usage_value')?.source.kind, 'derived')
  })

  it('reports every problem at once, each with file:line, key and a suggestion', () => {
    const text = DEMO.replace('timezone: America/Chicago', 'timezone: America/Chicgo')
      .replace('  account_id: { sql: sa.sa_id }', '  acount_id: { sql: sa.sa_id }')
      .replace('  where: ', '  wher: ')
      .replace('layout: single', 'layout: singel')
    const path = write('typos.yaml', text)
    const problems = problemsOf(path)
    // Schema problems come first; rules run only on a mapping that fits the schema.
    assert.deepEqual(problems, [`${path}:${lineOf(text, 'layout: singel')} layout: "singel" is not allowed (expected one of single, split; did you mean "single"?)`])
    const fixed = text.replace('layout: singel', 'layout: single')
    const path2 = write('typos2.yaml', fixed)
    const problems2 = problemsOf(path2)
    assert.ok(problems2.includes(`${path2}:${lineOf(fixed, 'timezone:')} timezone: "America/Chicgo" is not an IANA time zone (did you mean "America/Chicago"?)`), problems2.join('\n'))
    assert.ok(problems2.includes(`${path2}:${lineOf(fixed, 'acount_id')} columns.acount_id: "acount_id" is not a column of the single layout (did you mean "account_id"?)`), problems2.join('\n'))
    assert.ok(problems2.some((p) => p.includes('spec column "account_id" is not mapped')), problems2.join('\n'))
  })

  it('names an unknown key with its line and the closest allowed key', () => {
    const text = DEMO.replace('  start_date: bs.start_dt', '  start_dte: bs.start_dt')
    const path = write('unknown-key.yaml', text)
    assert.deepEqual(problemsOf(path), [`${path}:${lineOf(text, 'start_dte')} reads.start_dte: unknown key (did you mean "start_date"?)`])
  })

  it('reports YAML syntax errors with their line', () => {
    const path = write('syntax.yaml', 'utility: dem\ncolumns: {\n')
    const problems = problemsOf(path)
    assert.match(problems[0]!, new RegExp(`^${path}:\\d+: YAML syntax: `))
  })

  it('refuses provisional spec columns in a production mapping until a template header confirms the columns', () => {
    const path = write('production.yaml', DEMO.replace('purpose: demo', 'purpose: production'))
    const problems = problemsOf(path)
    assert.ok(problems.some((p) => p.includes('columns_from') && p.includes('customer_type')), problems.join('\n'))
  })

  it('takes the column list from the Delivery Team template header', () => {
    const header = ['customer_id', 'premise_id', 'account_id', 'active_date', 'inactive_date', 'service_point_id', 'usage_value', 'date_to', 'duration', 'is_estimate', 'rate_code']
    write('template.tsv', `${header.join('\t')}\r\nsample\trow\n`)
    const text = DEMO.replace('purpose: demo', 'purpose: production\ncolumns_from: template.tsv')
      .replace(/^  (secondary_id|ccb_account_id|mail_address_line_1|customer_type|business_name|is_account_deletion|read_cycle|service_house_number|service_street_name|service_unit|service_city|service_state|service_zip_code|meter_type|meter_unit|bldg_sq_foot|usage_charge): .*\n/gm, '')
      .replace('columns:\n', 'columns:\n  rate_code: { constant: R1 }\n')
    const { mapping } = loadMapping(write('templated.yaml', text))
    assert.deepEqual(mapping.fileSpecs[0]!.columns.map((c) => c.name), header)
    assert.equal(mapping.fileSpecs[0]!.columns.at(-1)!.status, 'template')
  })

  it('requires the single layout to say how often service_point_id is written', () => {
    const path = write('sp-mode.yaml', DEMO.replace('full_layout_service_point_id: once\n', ''))
    assert.ok(problemsOf(path).some((p) => p.includes('full_layout_service_point_id')))
  })

  it('refuses "?" in SQL and a password written in the file', () => {
    const text = DEMO.replace(`where: "bs.bseg_stat_flg = '50'"`, `where: "bs.note <> '?'"`)
    const problems = problemsOf(write('qmark.yaml', text))
    assert.ok(problems.some((p) => p.includes('where: SQL text may not contain "?"')), problems.join('\n'))
  })

  it('names a missing mapping file', () => {
    assert.throws(() => loadMapping(join(dir, 'nope.yaml')), (error: unknown) => error instanceof ToolkitError && error.code === 'MAPPING_NOT_FOUND')
  })
})
