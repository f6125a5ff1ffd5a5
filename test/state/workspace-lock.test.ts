import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { acquireWorkspaceLock } from '../../src/state/workspace-lock.js'

const dirs: string[] = []
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opx-lock-'))
  dirs.push(dir)
  return dir
}

function lockedOut(take: () => unknown): string {
  try {
    take()
  } catch (error) {
    if (isToolkitError(error) && error.code === 'STATE_LOCKED') return error.message
    throw error
  }
  assert.fail('the lock was taken')
}

describe('workspace lock', () => {
  it('a lock file whose owner is not written yet is another process taking it: busy, and left in place', () => {
    const dir = stateDir()
    // What a second command meets between the first one's exclusive create and its write.
    writeFileSync(join(dir, 'lock'), '')
    assert.match(lockedOut(() => acquireWorkspaceLock(dir, 'extract')), /is busy: another command is taking its lock .*lock right now/)
    assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), '', 'the lock being written is not removed')
  })

  it('a lock file left without an owner for over a minute is stale: taken over', () => {
    const dir = stateDir()
    const path = join(dir, 'lock')
    writeFileSync(path, '')
    const longAgo = new Date(Date.now() - 120_000)
    utimesSync(path, longAgo, longAgo)
    const release = acquireWorkspaceLock(dir, 'extract')
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { pid: number }).pid, process.pid)
    release()
  })

  it('a live owner keeps it; a dead owner’s lock is taken over and reported', () => {
    const dir = stateDir()
    const path = join(dir, 'lock')
    const owner = (pid: number) => JSON.stringify({ pid, host: hostname(), command: 'run --phase incremental', started: '2026-11-30T01:00:00.000Z' })
    writeFileSync(path, owner(process.pid))
    assert.match(lockedOut(() => acquireWorkspaceLock(dir, 'extract')), /is busy: run --phase incremental \(pid \d+/)
    // Past the largest pid Linux hands out: no such process.
    writeFileSync(path, owner(4_194_305))
    const stale: number[] = []
    const release = acquireWorkspaceLock(dir, 'extract', (previous) => stale.push(previous.pid))
    assert.deepEqual(stale, [4_194_305])
    release()
  })
})
