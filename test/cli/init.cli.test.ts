import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { parse } from 'yaml'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const SCHEMA = fileURLToPath(new URL('../../../schemas/mapping.schema.json', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'opx-init-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('opower-extract init (spawned)', () => {
  it('writes a commented starter mapping whose modeline finds the JSON Schema from where it is written', () => {
    const run = cli('init', '--template', 'ccb', '--out', 'mappings/utility.yaml')
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /wrote mappings\/utility\.yaml from the ccb template/)
    const text = readFileSync(join(dir, 'mappings', 'utility.yaml'), 'utf8')
    const modeline = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)
    assert.equal(resolve(dir, 'mappings', modeline![1]!), SCHEMA)
    assert.ok(text.split('\n').filter((line) => line.trim().startsWith('#')).length > 30, 'commented key by key')
    const mapping = parse(text) as { source: { dialect: string }; from: { table: string } }
    assert.equal(mapping.source.dialect, 'oracle')
    assert.equal(mapping.from.table, 'CI_BSEG')
  })

  it('refuses to overwrite an existing file unless --force', () => {
    writeFileSync(join(dir, 'mine.yaml'), 'my own work\n')
    const refused = cli('init', '--template', 'generic', '--out', 'mine.yaml')
    assert.equal(refused.code, 64)
    assert.match(refused.stderr, /INIT_TARGET_EXISTS: mine\.yaml exists; init does not overwrite a mapping/)
    assert.match(refused.stderr, /--force/)
    assert.equal(readFileSync(join(dir, 'mine.yaml'), 'utf8'), 'my own work\n')
    const forced = cli('init', '--template', 'generic', '--out', 'mine.yaml', '--force')
    assert.equal(forced.code, 0, forced.stderr)
    assert.match(readFileSync(join(dir, 'mine.yaml'), 'utf8'), /^# yaml-language-server/)
  })

  it("takes the column list from the Delivery Team's template header", () => {
    writeFileSync(join(dir, 'opower-template.tsv'), 'customer_id\tpremise_id\taccount_id\tactive_date\tservice_point_id\tusage_value\tdate_to\tduration\tis_estimate\trate_code\r\n')
    const run = cli('init', '--template', 'demo', '--header-from', 'opower-template.tsv', '--out', 'sub/demo.yaml')
    assert.equal(run.code, 0, run.stderr)
    const text = readFileSync(join(dir, 'sub', 'demo.yaml'), 'utf8')
    const mapping = parse(text) as { columns_from: string; columns: Record<string, unknown> }
    assert.equal(mapping.columns_from, '../opower-template.tsv')
    assert.deepEqual(Object.keys(mapping.columns), ['customer_id', 'premise_id', 'account_id', 'active_date', 'service_point_id', 'is_estimate', 'rate_code'])
    assert.deepEqual(mapping.columns['rate_code'], { empty: true })
    assert.match(text, /# Not a column this template knows: map it \(sql or constant\) or leave it empty\.\n  rate_code: \{ empty: true \}/)
    assert.match(text, /# Left out, not in the template header: secondary_id, ccb_account_id, /)
  })

  it('prints the mapping without --out, and names a template header it cannot read', () => {
    const printed = cli('init', '--template', 'demo')
    assert.equal(printed.code, 0, printed.stderr)
    assert.match(printed.stdout, /^# yaml-language-server: \$schema=/)
    assert.match(printed.stdout, /filename: demo\/billing\.sqlite/)
    const missing = cli('init', '--template', 'ccb', '--header-from', 'nope.tsv')
    assert.equal(missing.code, 78)
    assert.match(missing.stderr, /SPEC_TEMPLATE_HEADER_INVALID: cannot read the template file .*nope\.tsv/)
  })

  it('names the templates when the template is unknown', () => {
    const run = cli('init', '--template', 'sap')
    assert.equal(run.code, 64)
    assert.match(run.stderr, /Choices: "generic", "ccb", "demo"/)
  })
})
