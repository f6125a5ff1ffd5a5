import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { StateStore } from '../../src/state/state-store.js'
import { assertConsistentAfterCrash, extractArgs, killAt, newestContent, unrecordedSpecFiles } from './crash-harness.js'
import { DemoWorkspace, filesIn, runCli, type MappingWorkspace } from './cli-workspace.js'

// The crash campaign: kill -9 at random moments of extract, send (to a local folder target) and accept,
// many times over, each followed by the checks that must hold after any crash and by a rerun that must
// complete. `OPX_SOAK_KILLS` sets the number of kills per command (default 25 extract, 15 send, 10 accept).

const KILLS = Number(process.env['OPX_SOAK_KILLS'] ?? 25)
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
/** A random delay in [0, ms), from a seeded sequence so a failing campaign can be replayed. */
function delays(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return x / 2 ** 31
  }
}

let workspace: DemoWorkspace
let reference: string
let cleanRunMs: number
before(async () => {
  workspace = new DemoWorkspace(150)
  const ws = workspace.mapping()
  const started = Date.now()
  const clean = await runCli(extractArgs(ws), { cwd: ws.folder })
  cleanRunMs = Date.now() - started
  assert.equal(clean.code, 0, clean.stderr)
  reference = newestContent(ws.out)
})
after(() => workspace.dispose())

describe(`crash campaign: ${KILLS} kill -9 of extract at random moments`, () => {
  it('after every kill no partial final file and a consistent state; every rerun completes with the rows of an uninterrupted run', async () => {
    const random = delays(10)
    const ws = workspace.mapping()
    let killed = 0
    for (let i = 0; i < KILLS; i++) {
      const delay = Math.floor(random() * cleanRunMs)
      const outcome = await killAt(ws, delay)
      if (outcome.killed) killed++
      else assert.equal(outcome.result.code, 0, `kill ${i} (${delay} ms) came too late and the run failed:\n${outcome.result.stderr}`)
      await assertConsistentAfterCrash(ws, `kill ${i} after ${delay} ms`)
      if (i % 5 === 4) {
        const rerun = await runCli(extractArgs(ws), { cwd: ws.folder })
        assert.equal(rerun.code, 0, rerun.stderr)
        assert.equal(newestContent(ws.out), reference, `rerun after kill ${i}`)
        assert.deepEqual(filesIn(ws.out).filter((name) => name.startsWith('.part-')), [])
        assert.deepEqual(unrecordedSpecFiles(ws), [], `rerun after kill ${i}: every spec file is recorded by a run`)
      }
    }
    console.log(`# extract: ${killed} of ${KILLS} runs killed before they finished, every check held`)
    assert.ok(killed >= KILLS / 2, `${killed} of ${KILLS} kills landed`)
  })
})

describe(`crash campaign: kill -9 of send (local folder target) and accept at random moments`, () => {
  let ws: MappingWorkspace
  let server: string
  before(async () => {
    ws = workspace.mapping((text) => `${text}\ndelivery:\n  target: local\n  local: { folder: SERVER }\n  retries: 0\n  archive: ARCHIVE\n`)
    server = join(ws.folder, 'server')
    mkdirSync(join(server, 'shared_files'), { recursive: true })
    writeFileSync(ws.file, readFileSync(ws.file, 'utf8').replace('SERVER', server).replace('ARCHIVE', join(ws.folder, 'archive')))
  })

  it('send: every file on the target complete under its final name, each delivered once, the rerun finishes the delivery', async () => {
    const random = delays(20)
    let killed = 0
    const rounds = Math.max(1, Math.round(KILLS * 0.6))
    for (let round = 0; round < rounds; round++) {
      // Many small files per run, so a kill can land between two of them.
      const extract = await runCli([...extractArgs(ws), '--max-rows-per-file', '300'], { cwd: ws.folder })
      assert.equal(extract.code, 0, extract.stderr)
      const started = Date.now()
      // Odd rounds: the moment the lock is held (the send is at work); even rounds: at a random moment.
      const stage = round % 2 === 1 ? 'locked' : Math.floor(random() * 6000)
      const outcome = await killAt(ws, stage, ['send', '--mapping', ws.file, '--pending'])
      if (outcome.killed) killed++
      const elapsed = Date.now() - started
      const remote = join(server, 'shared_files')
      for (const name of filesIn(remote).filter((file) => file.startsWith('opwr_'))) {
        assert.equal(sha256(join(remote, name)), sha256(join(ws.out, name)), `round ${round} (${elapsed} ms): ${name} on the target is complete`)
      }
      const rerun = await runCli(['send', '--mapping', ws.file, '--pending'], { cwd: ws.folder })
      assert.equal(rerun.code, 0, rerun.stderr)
      const local = filesIn(ws.out).filter((name) => name.startsWith('opwr_'))
      assert.deepEqual(filesIn(remote).filter((name) => name.startsWith('opwr_')), local, `round ${round}: every file delivered, once`)
      assert.deepEqual(filesIn(remote).filter((name) => name.startsWith('.part-')), [], `round ${round}: no temporary file left on the target`)
      const state = StateStore.open(ws.state)
      try {
        assert.deepEqual(state.pendingFiles(), [], 'nothing pending')
        assert.ok(state.runs().every((run) => run.status === 'sent'), 'every run sent')
      } finally {
        state.close()
      }
    }
    console.log(`# send: ${killed} of ${rounds} sends killed before they finished, every check held`)
  })

  it('accept: a killed accept leaves the run sent or accepted, never in between; the rerun accepts it', async () => {
    const random = delays(30)
    const state = StateStore.open(ws.state)
    const runs = state.runs().map((run) => run.runId)
    state.close()
    let killed = 0
    for (const [i, runId] of runs.slice(0, KILLS).entries()) {
      const outcome = await killAt(ws, i % 2 === 1 ? 'locked' : Math.floor(random() * 3000), ['accept', runId, '--mapping', ws.file])
      if (outcome.killed) killed++
      const after = StateStore.open(ws.state)
      try {
        assert.ok(['sent', 'accepted'].includes(after.run(runId)!.status), `accept ${i}: ${after.run(runId)!.status}`)
      } finally {
        after.close()
      }
      const rerun = await runCli(['accept', runId, '--mapping', ws.file], { cwd: ws.folder })
      assert.equal(rerun.code, 0, rerun.stderr)
      const final = StateStore.open(ws.state)
      try {
        assert.equal(final.run(runId)!.status, 'accepted')
      } finally {
        final.close()
      }
    }
    console.log(`# accept: ${killed} of ${Math.min(runs.length, KILLS)} accepts killed before they finished, every check held`)
  })
})
