import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import { resolveSecrets } from '../../src/config/resolve-secrets.js'
import { ToolkitError } from '../../src/errors/toolkit-error.js'

const DEMO = readFileSync(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'opx-winmap-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n')
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length

function problemsOf(path: string): string[] {
  try {
    loadMapping(path)
  } catch (error) {
    assert.ok(error instanceof ToolkitError && error.code === 'MAPPING_INVALID', String(error))
    return [...error.details]
  }
  assert.fail('the mapping was accepted')
}

describe('a mapping saved on Windows (CRLF line ends, backslash paths)', () => {
  it('CRLF: loads to the same mapping as LF, with no CR left in SQL or values', () => {
    const withBlock = DEMO.replace(`where: "bs.bseg_stat_flg = '50'"`, `where: |\n  bs.bseg_stat_flg = '50'\n  AND bs.bseg_id IS NOT NULL`)
    const lf = loadMapping(write('lf.yaml', withBlock)).mapping
    const windows = loadMapping(write('crlf.yaml', crlf(withBlock))).mapping
    assert.deepEqual({ ...windows, file: '' }, { ...lf, file: '' })
    assert.equal(windows.query.kind === 'tables' && windows.query.where, "bs.bseg_stat_flg = '50'\nAND bs.bseg_id IS NOT NULL\n")
  })

  it('CRLF: errors name the same lines as in the LF file', () => {
    const text = crlf(DEMO.replace('timezone: America/Chicago', 'timezone: America/Chicgo').replace('  start_date: bs.start_dt', '  start_dte: bs.start_dt'))
    const path = write('crlf-typo.yaml', text)
    assert.deepEqual(problemsOf(path), [`${path}:${lineOf(text, 'start_dte')} reads.start_dte: unknown key (did you mean "start_date"?)`])
    const rules = crlf(DEMO.replace('timezone: America/Chicago', 'timezone: America/Chicgo'))
    const path2 = write('crlf-rule.yaml', rules)
    assert.ok(problemsOf(path2).includes(`${path2}:${lineOf(rules, 'timezone:')} timezone: "America/Chicgo" is not an IANA time zone (did you mean "America/Chicago"?)`))
  })

  it('relative paths written with backslashes resolve like the same paths with slashes', () => {
    const slashes = loadMapping(write('slashes.yaml', DEMO)).mapping
    const backslashes = loadMapping(write('backslashes.yaml', DEMO.replaceAll('../demo/', '..\\demo\\'))).mapping
    assert.equal(backslashes.output.folder, slashes.output.folder)
    assert.equal(backslashes.output.state, slashes.output.state)
    assert.equal(backslashes.source.connection.filename, slashes.source.connection.filename)
    assert.equal(slashes.output.folder, join(dir, '..', 'demo', 'out'))
  })

  it('a drive or UNC path on this non-Windows machine is a mapping error at its line', { skip: process.platform === 'win32' }, () => {
    const text = DEMO.replace('folder: ../demo/out', 'folder: C:\\extract\\out').replace('filename: ../demo/billing.sqlite', 'filename: \\\\billing-db\\export\\billing.sqlite')
    const path = write('drive.yaml', text)
    const problems = problemsOf(path)
    assert.ok(problems.includes(`${path}:${lineOf(text, 'C:\\extract')} output.folder: "C:\\extract\\out" is a Windows path, and this machine runs ${process.platform} (write a path of this machine, or one relative to the mapping file (\\ and / both work as separators))`), problems.join('\n'))
    assert.ok(problems.some((p) => p.startsWith(`${path}:${lineOf(text, 'billing-db')} source.connection.filename: "\\\\billing-db`)), problems.join('\n'))
  })
})

describe('delivery folders written on Windows', () => {
  const delivery = (archive: string) => `delivery:\n  target: local\n  local: { folder: ..\\outbox }\n  archive: '${archive}'\n`

  it('relative delivery folders with backslashes resolve against the mapping folder', () => {
    const { mapping } = loadMapping(write('delivery.yaml', `${DEMO}\n${delivery('..\\archive')}`))
    assert.equal(mapping.delivery?.localFolder, join(dir, '..', 'outbox'))
    assert.equal(mapping.delivery?.archive, join(dir, '..', 'archive'))
  })

  it('a drive path for the archive on this non-Windows machine is a mapping error at its line', { skip: process.platform === 'win32' }, () => {
    const text = `${DEMO}\n${delivery('D:\\opower\\archive')}`
    const path = write('delivery-drive.yaml', text)
    const problems = problemsOf(path)
    assert.ok(problems.some((p) => p.startsWith(`${path}:${lineOf(text, 'D:\\opower')} delivery.archive: "D:\\opower\\archive" is a Windows path`)), problems.join('\n'))
  })
})

describe('${file:…} secrets written on Windows', () => {
  const secrets = join(dir, 'secrets')
  mkdirSync(secrets, { recursive: true })
  writeFileSync(join(secrets, 'pw.txt'), 's3cr3t pass\r\n')
  const mappingsDir = join(dir, 'maps')
  mkdirSync(mappingsDir, { recursive: true })

  it('a relative path with backslashes, and a file saved with CRLF, give the secret without the line end', () => {
    const resolved = resolveSecrets({ password: '${file:..\\secrets\\pw.txt}', port: 5432 }, { env: {}, baseDir: mappingsDir }, 'm.yaml')
    assert.deepEqual(resolved, { password: 's3cr3t pass', port: 5432 })
  })

  it('the reference reaches the loader exactly as written in plain YAML (backslashes kept)', () => {
    const text = DEMO.replace('filename: ../demo/billing.sqlite', 'filename: ../demo/billing.sqlite\n    password: ${file:C:\\secrets\\db.txt}')
    const { mapping } = loadMapping(write('secret-ref.yaml', text))
    assert.equal(mapping.source.connection.password, '${file:C:\\secrets\\db.txt}')
  })

  it('a drive path on this non-Windows machine says so instead of looking for a file named C:\\…', { skip: process.platform === 'win32' }, () => {
    assert.throws(
      () => resolveSecrets({ password: '${file:C:\\secrets\\db.txt}' }, { env: {}, baseDir: mappingsDir }, 'm.yaml'),
      (error) =>
        error instanceof ToolkitError &&
        error.code === 'MAPPING_SECRET_MISSING' &&
        error.message === `m.yaml source.connection.password: C:\\secrets\\db.txt is a Windows path, and this machine runs ${process.platform}`,
    )
  })
})
