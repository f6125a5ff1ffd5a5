import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { readKeysFile } from '../../src/extract/read-keys-file.js'

const dir = mkdtempSync(join(tmpdir(), 'opx-keys-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const write = (text: string) => {
  const path = join(dir, `keys${Math.random()}.txt`)
  writeFileSync(path, text)
  return path
}

describe('--keys file', () => {
  it('reads bare and read: keys as reads, account: keys as accounts, skipping comments, blanks and repeats', () => {
    assert.deepEqual(readKeysFile(write('# backfill\n800001\nread:800002\r\n\naccount:5000003\n800001\n')), { reads: ['800001', '800002'], accounts: ['5000003'] })
  })

  it('names the line of a key-less entry, and refuses an empty or missing file', () => {
    assert.throws(() => readKeysFile(write('800001\naccount:\n')), (error) => isToolkitError(error) && /:2:/.test(error.message))
    assert.throws(() => readKeysFile(write('# nothing\n')), (error) => isToolkitError(error) && error.code === 'USAGE_INVALID_ARGUMENT')
    assert.throws(() => readKeysFile(join(dir, 'missing.txt')), (error) => isToolkitError(error) && error.code === 'INPUT_UNREADABLE')
  })
})
