import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'opx-cli-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('opower-extract command line (spawned)', () => {
  it('exits 64 on an unknown flag and names it', () => {
    const run = cli('extract', '--mapping', 'm.yaml', '--phase', 'full', '--bogus')
    assert.equal(run.code, 64)
    assert.match(run.stderr, /USAGE_INVALID_ARGUMENT: Unknown argument: bogus/)
  })

  it('exits 78 on a broken mapping, with file:line and key', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'utility: DEMO\ntimezone: UTC\n')
    const run = cli('check', '--mapping', 'bad.yaml')
    assert.equal(run.code, 78)
    assert.match(run.stderr, /bad\.yaml:1 utility: expected the 3–4 character utility code/)
    assert.match(run.stderr, /bad\.yaml:\d+ layout: required key is missing/)
  })

  it('exits 64 on an end date that is not a date', () => {
    const run = cli('extract', '--mapping', fileURLToPath(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url)), '--phase', 'full', '--end-date', "2026-02-30' OR 1=1 --")
    assert.equal(run.code, 64)
    assert.match(run.stderr, /--end-date .* is not a calendar date/)
  })

  it('exits 66 when a file to validate cannot be read', () => {
    const run = cli('validate', join(dir, 'opwr_dem_res_v1-19-0_full_20261101120000.gz'))
    assert.equal(run.code, 66)
    assert.match(run.stderr, /INPUT_UNREADABLE/)
  })

  it('has --help for every command', () => {
    for (const command of ['demo', 'check', 'extract', 'validate', 'init', 'send', 'accept', 'reject', 'run', 'status', 'search', 'schedule']) {
      const run = cli(command, '--help')
      assert.equal(run.code, 0, command)
      assert.match(run.stdout, /Options:/, command)
    }
  })
})
