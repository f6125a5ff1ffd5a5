import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { deliverFile, temporaryNameOf } from '../../src/deliver/deliver-file.js'
import type { HostKeyPin } from '../../src/deliver/host-key-check.js'
import { SftpTarget } from '../../src/deliver/sftp-target.js'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { startSshd, type TestSshd } from '../support/sshd-harness.js'

const local = mkdtempSync(join(tmpdir(), 'opx-sftp-local-'))
after(() => rmSync(local, { recursive: true, force: true }))

let stamp = 20261130030000
/** A local file with a spec-like name and random content of the given size. */
function dataFile(bytes: number): string {
  const path = join(local, `opwr_tst_res_v1-19-0_full_${stamp++}.gz`)
  writeFileSync(path, randomBytes(bytes))
  return path
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

function targetFor(sshd: TestSshd, overrides: { hostKey?: HostKeyPin; privateKey?: string } = {}): SftpTarget {
  return new SftpTarget({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKey: overrides.privateKey ?? sshd.clientKey,
    passphrase: undefined,
    hostKey: overrides.hostKey ?? { fingerprints: [sshd.hostKeyFingerprint] },
    timeoutMs: 10_000,
  })
}

const fast = { retries: 0, retryDelayMs: 0 }

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; hint: string | undefined }> {
  try {
    await promise
  } catch (error) {
    if (isToolkitError(error)) return { code: error.code, message: error.message, hint: error.hint }
    throw error
  }
  throw new Error('expected a rejection')
}

describe('SFTP delivery against a real OpenSSH sshd', () => {
  let sshd: TestSshd
  let folder: string
  before(async () => {
    sshd = await startSshd()
    folder = join(sshd.home, 'shared_files')
    mkdirSync(folder)
  })
  after(() => sshd.stop())

  it('uploads under a temporary name, renames with posix-rename, and leaves only the final name', async () => {
    const file = dataFile(300_000)
    const target = targetFor(sshd)
    try {
      const delivered = await deliverFile(target, file, folder, fast)
      assert.equal(target.usesPosixRename, true)
      assert.equal(delivered.outcome, 'sent')
      assert.equal(delivered.remotePath, join(folder, delivered.fileName))
      assert.equal(sha256(delivered.remotePath), sha256(file))
      assert.equal(existsSync(join(folder, temporaryNameOf(delivered.fileName))), false)
      assert.doesNotMatch(temporaryNameOf(delivered.fileName), /^opwr_/)
    } finally {
      await target.close()
    }
  })

  it('refuses a server whose host key is not the pinned fingerprint, before sending anything', async () => {
    const file = dataFile(1000)
    const other = `SHA256:${createHash('sha256').update('another server').digest('base64').replace(/=+$/, '')}`
    const failure = await rejection(deliverFile(targetFor(sshd, { hostKey: { fingerprints: [other] } }), file, folder, { retries: 2, retryDelayMs: 0 }))
    assert.equal(failure.code, 'SFTP_HOST_KEY_REJECTED')
    assert.match(failure.message, new RegExp(`presented host key ${sshd.hostKeyFingerprint.replace(/[+/]/g, '\\$&')}, which is not the pinned`))
    assert.equal(existsSync(join(folder, temporaryNameOf(file.split('/').pop()!))), false)
  })

  it('checks a known_hosts file: accepts the listed key, refuses an unknown host and a changed key', async () => {
    const knownHosts = join(local, 'known_hosts')
    const file = dataFile(1000)
    writeFileSync(knownHosts, `# Opower SFTP\n${sshd.knownHostsLine}\n`)
    const accepted = targetFor(sshd, { hostKey: { knownHostsFile: knownHosts } })
    assert.equal((await deliverFile(accepted, file, folder, fast)).outcome, 'sent')
    await accepted.close()

    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port + 1} ${sshd.knownHostsLine.split(' ').slice(1).join(' ')}\n`)
    const unknown = await rejection(targetFor(sshd, { hostKey: { knownHostsFile: knownHosts } }).connect())
    assert.equal(unknown.code, 'SFTP_HOST_KEY_REJECTED')
    assert.match(unknown.message, /has no key for this host/)
    assert.match(unknown.hint ?? '', /ssh-keyscan -p \d+ 127\.0\.0\.1/)

    const otherKey = 'AAAAC3NzaC1lZDI1NTE5AAAAIBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU'
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ssh-ed25519 ${otherKey}\n`)
    const changed = await rejection(targetFor(sshd, { hostKey: { knownHostsFile: knownHosts } }).connect())
    assert.equal(changed.code, 'SFTP_HOST_KEY_REJECTED')
    assert.match(changed.message, /the key CHANGED/)
  })

  it('reports a refused key as SFTP_AUTH_FAILED without retrying', async () => {
    const other = mkdtempSync(join(tmpdir(), 'opx-key-'))
    try {
      const { spawnSync } = await import('node:child_process')
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(other, 'k')])
      const started = Date.now()
      const failure = await rejection(deliverFile(targetFor(sshd, { privateKey: readFileSync(join(other, 'k'), 'utf8') }), dataFile(10), folder, { retries: 3, retryDelayMs: 2000 }))
      assert.equal(failure.code, 'SFTP_AUTH_FAILED')
      assert.ok(Date.now() - started < 2000, 'no retry delay was waited')
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('refuses a remote folder that does not exist with that exact case', async () => {
    const failure = await rejection(deliverFile(targetFor(sshd), dataFile(10), join(sshd.home, 'Shared_Files'), fast))
    assert.equal(failure.code, 'DELIVERY_NOT_CONFIGURED')
    assert.match(failure.hint ?? '', /case-sensitive/)
  })

  it('a connection dropped mid-upload leaves nothing under the final name, and the retry delivers the whole file', async () => {
    const file = dataFile(32 * 1024 * 1024)
    const name = file.split('/').pop()!
    const partial = join(folder, temporaryNameOf(name))
    const target = targetFor(sshd)
    let droppedAt = -1
    let finalExistedAtDrop = true
    const watcher = (async () => {
      for (let i = 0; i < 4000 && droppedAt < 0; i++) {
        const size = existsSync(partial) ? statSync(partial).size : 0
        if (size > 1024 * 1024) {
          finalExistedAtDrop = existsSync(join(folder, name))
          droppedAt = size
          sshd.dropSessions()
        }
        await sleep(5)
      }
    })()
    try {
      const delivered = await deliverFile(target, file, folder, { retries: 2, retryDelayMs: 100 })
      await watcher
      assert.ok(droppedAt > 0 && droppedAt < 32 * 1024 * 1024, `dropped after ${droppedAt} bytes`)
      assert.equal(finalExistedAtDrop, false)
      assert.equal(delivered.outcome, 'sent')
      assert.equal(delivered.attempts, 2)
      assert.equal(sha256(delivered.remotePath), sha256(file))
      assert.equal(existsSync(partial), false)
    } finally {
      await target.close()
    }
  })

  it('without retries a dropped upload fails as temporary, and a later send replaces the partial upload', async () => {
    const file = dataFile(32 * 1024 * 1024)
    const name = file.split('/').pop()!
    const partial = join(folder, temporaryNameOf(name))
    const watcher = (async () => {
      for (let i = 0; i < 4000; i++) {
        if (existsSync(partial) && statSync(partial).size > 1024 * 1024) return sshd.dropSessions()
        await sleep(5)
      }
    })()
    const failure = await rejection(deliverFile(targetFor(sshd), file, folder, fast))
    await watcher
    assert.equal(failure.code, 'SFTP_UPLOAD_FAILED')
    assert.equal(existsSync(join(folder, name)), false, 'nothing under the final name')
    const target = targetFor(sshd)
    try {
      const delivered = await deliverFile(target, file, folder, fast)
      assert.equal(delivered.outcome, 'sent')
      assert.equal(sha256(delivered.remotePath), sha256(file))
      assert.equal(existsSync(partial), false)
    } finally {
      await target.close()
    }
  })

  it('a file already under its final name with the same size counts as delivered and is not sent again', async () => {
    const file = dataFile(5000)
    const name = file.split('/').pop()!
    // What a crash after the rename leaves: the file is there. Different bytes of the same size show it is not rewritten.
    writeFileSync(join(folder, name), Buffer.alloc(5000, 7))
    const target = targetFor(sshd)
    try {
      const delivered = await deliverFile(target, file, folder, fast)
      assert.equal(delivered.outcome, 'already-present')
      assert.deepEqual(readFileSync(join(folder, name)), Buffer.alloc(5000, 7))

      const other = dataFile(6000)
      writeFileSync(join(folder, other.split('/').pop()!), Buffer.alloc(10))
      const conflict = await rejection(deliverFile(target, other, folder, fast))
      assert.equal(conflict.code, 'DELIVERY_REMOTE_CONFLICT')
      assert.match(conflict.message, /already exists with 10 bytes, but the local file has 6000/)
    } finally {
      await target.close()
    }
  })
})

describe('SFTP delivery to a server without posix-rename (OpenSSH sftp-server, extension not announced)', () => {
  let sshd: TestSshd
  before(async () => {
    sshd = await startSshd({ sftp: 'no-posix-rename' })
    mkdirSync(join(sshd.home, 'shared_files'))
  })
  after(() => sshd.stop())

  it('falls back to plain rename and still delivers under the final name only', async () => {
    const folder = join(sshd.home, 'shared_files')
    const file = dataFile(200_000)
    const target = targetFor(sshd)
    try {
      const delivered = await deliverFile(target, file, folder, fast)
      assert.equal(target.usesPosixRename, false)
      assert.equal(delivered.outcome, 'sent')
      assert.equal(sha256(delivered.remotePath), sha256(file))
      assert.equal(existsSync(join(folder, temporaryNameOf(delivered.fileName))), false)
    } finally {
      await target.close()
    }
  })
})
