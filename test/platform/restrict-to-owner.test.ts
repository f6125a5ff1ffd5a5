import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { makeOwnerOnlyDir, ownerOnlyAclCommand, restrictToOwner } from '../../src/platform/restrict-to-owner.js'

const dir = mkdtempSync(join(tmpdir(), 'opx-owner-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const modeOf = (path: string) => statSync(path).mode & 0o777

describe('ownerOnlyAclCommand: the icacls command run on Windows (unit test only, no Windows here)', () => {
  it('a file: inheritance removed, full control for the user only', () => {
    assert.deepEqual(ownerOnlyAclCommand('C:\\extract\\out\\opwr_x.gz', 'billing-svc', 'file'), {
      command: 'icacls',
      args: ['C:\\extract\\out\\opwr_x.gz', '/inheritance:r', '/grant:r', 'billing-svc:(F)'],
    })
  })

  it('a folder: the grant is inherited by files and folders created inside it later', () => {
    assert.deepEqual(ownerOnlyAclCommand('D:\\Opower Extract\\state', 'UTILITY\\svc-opower', 'folder').args, [
      'D:\\Opower Extract\\state',
      '/inheritance:r',
      '/grant:r',
      'UTILITY\\svc-opower:(OI)(CI)(F)',
    ])
  })
})

describe('restrictToOwner on POSIX (modes checked for real)', { skip: process.platform === 'win32' }, () => {
  it('a file becomes 0600 and a folder 0700, whatever they were', () => {
    const file = join(dir, 'open-file')
    writeFileSync(file, 'names and addresses', { mode: 0o666 })
    restrictToOwner(file)
    assert.equal(modeOf(file), 0o600)
    const folder = join(dir, 'open-folder')
    mkdirSync(folder, { mode: 0o777 })
    restrictToOwner(folder)
    assert.equal(modeOf(folder), 0o700)
  })

  it('a stricter mode is applied as given', () => {
    const file = join(dir, 'read-only')
    writeFileSync(file, 'x')
    restrictToOwner(file, { mode: 0o400 })
    assert.equal(modeOf(file), 0o400)
  })

  it('a missing file is an OUTPUT_NOT_WRITABLE error naming it', () => {
    const missing = join(dir, 'missing')
    assert.throws(
      () => restrictToOwner(missing),
      (error) => error instanceof ToolkitError && error.code === 'OUTPUT_NOT_WRITABLE' && error.message.includes(missing) && error.message.includes('ENOENT'),
    )
  })

  it('makeOwnerOnlyDir: a new folder is 0700 even under a permissive umask; an existing one is left alone', () => {
    const previous = process.umask(0o000)
    try {
      const created = join(dir, 'new', 'state')
      makeOwnerOnlyDir(created)
      assert.equal(modeOf(created), 0o700)
      const existing = join(dir, 'theirs')
      mkdirSync(existing, { mode: 0o755 })
      makeOwnerOnlyDir(existing)
      assert.equal(modeOf(existing), 0o755)
    } finally {
      process.umask(previous)
    }
  })
})
