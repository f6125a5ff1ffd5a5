import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { renameWithRetry, renameWithRetrySync } from '../../src/platform/rename-with-retry.js'

const dir = mkdtempSync(join(tmpdir(), 'opx-rename-'))
after(() => rmSync(dir, { recursive: true, force: true }))

let serial = 0
function partFile(): { from: string; to: string } {
  serial++
  const from = join(dir, `.part-${serial}`)
  writeFileSync(from, `content ${serial}`)
  return { from, to: join(dir, `final-${serial}`) }
}

const errno = (code: string) => Object.assign(new Error(`${code}: operation not permitted, rename`), { code })

/** A real rename that first fails as a scanner's open handle makes it fail on Windows. */
function scannerHolds(failures: number, code = 'EPERM') {
  const calls: number[] = []
  return {
    calls,
    rename: async (from: string, to: string) => {
      calls.push(Date.now())
      if (calls.length <= failures) throw errno(code)
      await rename(from, to)
    },
  }
}

describe('renameWithRetry (the scanner stands in through an injected failure; the rename itself is real)', () => {
  for (const code of ['EPERM', 'EBUSY', 'EACCES']) {
    it(`win32: a transient ${code} is retried with growing waits and the file arrives`, async () => {
      const { from, to } = partFile()
      const scanner = scannerHolds(2, code)
      await renameWithRetry(from, to, { platform: 'win32', delaysMs: [20, 60], rename: scanner.rename })
      assert.equal(readFileSync(to, 'utf8'), `content ${serial}`)
      assert.equal(scanner.calls.length, 3)
      const [first, second, third] = scanner.calls as [number, number, number]
      assert.ok(second - first >= 18 && third - second >= 58, `waits ${second - first} ms, ${third - second} ms`)
    })
  }

  it('win32: a lock that outlasts the retries fails with the last error, after a bounded time', async () => {
    const { from, to } = partFile()
    const scanner = scannerHolds(100, 'EBUSY')
    const started = Date.now()
    await assert.rejects(renameWithRetry(from, to, { platform: 'win32', delaysMs: [10, 10, 10], rename: scanner.rename }), { code: 'EBUSY' })
    assert.equal(scanner.calls.length, 4)
    assert.ok(Date.now() - started < 1000)
    assert.deepEqual(readdirSync(dir).includes(`final-${serial}`), false)
  })

  it('win32: an error a retry cannot fix (ENOENT) fails at once', async () => {
    const scanner = scannerHolds(0)
    await assert.rejects(
      renameWithRetry(join(dir, 'no-such-part'), join(dir, 'never'), { platform: 'win32', delaysMs: [10, 10], rename: scanner.rename }),
      { code: 'ENOENT' },
    )
    assert.equal(scanner.calls.length, 1)
  })

  it('linux: EPERM is a real permission problem and fails at once', async () => {
    const { from, to } = partFile()
    const scanner = scannerHolds(1)
    await assert.rejects(renameWithRetry(from, to, { platform: 'linux', delaysMs: [10], rename: scanner.rename }), { code: 'EPERM' })
    assert.equal(scanner.calls.length, 1)
  })

  it('renames for real with the defaults', async () => {
    const { from, to } = partFile()
    await renameWithRetry(from, to)
    assert.equal(readFileSync(to, 'utf8'), `content ${serial}`)
  })

  it('the synchronous form retries the same way', () => {
    const { from, to } = partFile()
    let calls = 0
    renameWithRetrySync(from, to, {
      platform: 'win32',
      delaysMs: [10, 10],
      rename: (a, b) => {
        if (++calls <= 2) throw errno('EBUSY')
        rmSync(b, { force: true })
        writeFileSync(b, readFileSync(a))
        rmSync(a)
      },
    })
    assert.equal(calls, 3)
    assert.equal(readFileSync(to, 'utf8'), `content ${serial}`)
  })
})
