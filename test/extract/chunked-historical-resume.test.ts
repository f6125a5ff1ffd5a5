import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DemoWorkspace, filesIn, runCli, type MappingWorkspace } from '../reliability/cli-workspace.js'
import { contentOf } from './run-extract.js'

// A chunked full historical killed with SIGKILL (no clean-up of any kind runs) resumes from its last
// committed chunk when the same extract is run again.

const withChunks = (perChunk: number) => (text: string) => text.replace('  compression: gz', `  compression: gz\n  chunk_service_points: ${perChunk}`)
const extractArgs = (ws: MappingWorkspace) => ['extract', '--mapping', ws.file, '--phase', 'full', '--end-date', '2026-10-15']

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** Every data line of the spec files of a folder, sorted (a multiset to compare runs by). */
function allRows(out: string): string[] {
  return filesIn(out)
    .filter((name) => name.startsWith('opwr_') && name.endsWith('.gz'))
    .flatMap((name) => contentOf(join(out, name)).split('\n').slice(1).filter((line) => line !== ''))
    .sort()
}

describe('chunked full historical killed with SIGKILL (spawned)', () => {
  let workspace: DemoWorkspace
  before(() => {
    workspace = new DemoWorkspace(300)
  })
  after(() => workspace.dispose())

  it('the rerun resumes after the last committed chunk, leaves its files untouched and ends with the rows of an uninterrupted run', async () => {
    const ws = workspace.mapping(withChunks(40))
    let child: ChildProcess | undefined
    let killedAfter: number | undefined
    let stderr = ''
    const killed = await runCli(extractArgs(ws), {
      cwd: ws.folder,
      onSpawn: (spawned) => {
        child = spawned
        spawned.stderr!.on('data', (chunk: string | Buffer) => {
          stderr += String(chunk)
          const done = /chunk (\d+) of \d+ done/.exec(stderr)
          if (done && killedAfter === undefined) {
            killedAfter = Number(done[1])
            child!.kill('SIGKILL')
          }
        })
      },
    })
    assert.equal(killed.signal, 'SIGKILL', `the extract was killed mid-run:\n${killed.stderr}`)
    const chunks = Number(/: (\d+) chunks of 40 service points/.exec(killed.stderr)?.[1])
    assert.ok(chunks >= 4, killed.stderr)
    const survivors = filesIn(ws.out).filter((name) => name.startsWith('opwr_'))
    assert.ok(survivors.length >= 1 && survivors.length < chunks, `finished chunks' files stay: ${survivors.join(', ')}`)
    const before = new Map(survivors.map((name) => [name, { sha: sha256(join(ws.out, name)), mtimeMs: statSync(join(ws.out, name)).mtimeMs }]))

    const status = await runCli(['status', '--mapping', ws.file], { cwd: ws.folder })
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stdout, /full-0001 +unfinished .* of \d+ chunk\(s\) done: run the same extract --phase full again to resume/)
    assert.match(status.stdout, /pending files \(written, not delivered yet\):\n {2}none/, 'send --pending sees nothing of the unfinished run')

    const resumed = await runCli(extractArgs(ws), { cwd: ws.folder })
    assert.equal(resumed.code, 0, resumed.stderr)
    const resuming = /resuming full-0001: chunks? 1(?:–(\d+))? of (\d+) done, starting at chunk (\d+)/.exec(resumed.stderr)
    assert.ok(resuming, resumed.stderr)
    const doneBefore = Number(resuming[1] ?? 1)
    assert.ok(doneBefore >= killedAfter!, `at least the chunks logged as done (${killedAfter}) are kept: ${resuming[0]}`)
    assert.equal(Number(resuming[3]), doneBefore + 1)
    for (let chunk = 1; chunk <= doneBefore; chunk++) {
      assert.doesNotMatch(resumed.stderr, new RegExp(` chunk ${chunk}/${chunks}: \\d+ reads`), `chunk ${chunk} is not read again`)
    }
    for (const [name, facts] of before) {
      assert.equal(sha256(join(ws.out, name)), facts.sha, `${name} is byte-identical`)
      assert.equal(statSync(join(ws.out, name)).mtimeMs, facts.mtimeMs, `${name} is not rewritten`)
    }
    assert.match(resumed.stdout, /run full-0001:/)

    const uninterrupted = workspace.mapping(withChunks(0))
    const whole = await runCli(extractArgs(uninterrupted), { cwd: uninterrupted.folder })
    assert.equal(whole.code, 0, whole.stderr)
    assert.deepEqual(allRows(ws.out), allRows(uninterrupted.out), 'the same rows as an uninterrupted run')
    const names = filesIn(ws.out).filter((name) => name.startsWith('opwr_'))
    assert.equal(names.length, chunks, 'one file per chunk, nothing set aside or doubled')
  })

  it('--parallel 2 extracts two chunks at once with the rows of an uninterrupted run; --parallel 9 is refused', async () => {
    const refused = workspace.mapping(withChunks(40))
    const nine = await runCli([...extractArgs(refused), '--parallel', '9'], { cwd: refused.folder })
    assert.equal(nine.code, 64, nine.stderr)
    assert.match(nine.stderr, /USAGE_INVALID_ARGUMENT: --parallel must be a whole number from 1 to 8, got 9/)
    assert.deepEqual(filesIn(refused.out).filter((name) => name.startsWith('opwr_')), [], 'nothing is extracted')

    const ws = workspace.mapping(withChunks(40))
    const parallel = await runCli([...extractArgs(ws), '--parallel', '2'], { cwd: ws.folder })
    assert.equal(parallel.code, 0, parallel.stderr)
    const chunks = Number(/: (\d+) chunks of 40 service points/.exec(parallel.stderr)?.[1])
    assert.ok(chunks >= 4, parallel.stderr)
    assert.match(parallel.stderr, /full-0001: up to 2 chunks at once, each with its own database connection/)
    assert.equal(parallel.stderr.match(/ chunk \d+ of \d+ done/g)?.length, chunks, parallel.stderr)
    assert.match(parallel.stdout, /run full-0001:/)
    const uninterrupted = workspace.mapping(withChunks(0))
    const whole = await runCli(extractArgs(uninterrupted), { cwd: uninterrupted.folder })
    assert.equal(whole.code, 0, whole.stderr)
    assert.deepEqual(allRows(ws.out), allRows(uninterrupted.out), 'the same rows as an uninterrupted run')
    assert.equal(filesIn(ws.out).filter((name) => name.startsWith('opwr_')).length, chunks)
  })
})
