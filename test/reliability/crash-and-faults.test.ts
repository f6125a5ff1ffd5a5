import assert from 'node:assert/strict'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { StateStore } from '../../src/state/state-store.js'
import { assertConsistentAfterCrash, extractArgs, killAt, newestContent, unrecordedSpecFiles, waitFor, type KillStage } from './crash-harness.js'
import { DemoWorkspace, filesIn, runCli, unclearOutput, type MappingWorkspace } from './cli-workspace.js'

// Faults injected into real spawned extracts: kill -9 at each stage, a full and a read-only output folder,
// and a second extract on a busy workspace. The repeated, randomly timed kills are in crash-campaign.soak.ts.

let workspace: DemoWorkspace
let reference: string
before(async () => {
  workspace = new DemoWorkspace(150)
  const ws = workspace.mapping()
  const clean = await runCli(extractArgs(ws), { cwd: ws.folder })
  assert.equal(clean.code, 0, clean.stderr)
  reference = newestContent(ws.out)
})
after(() => workspace.dispose())

const recordedRuns = (ws: MappingWorkspace) => {
  if (!existsSync(join(ws.state, 'state.sqlite'))) return 0
  const state = StateStore.open(ws.state)
  try {
    return state.runs().length
  } finally {
    state.close()
  }
}

describe('kill -9 at each stage of an extract, then a rerun (spawned)', () => {
  let ws: MappingWorkspace
  before(() => {
    ws = workspace.mapping()
  })
  const stages: KillStage[] = ['query', 'write', 'renamed', 'commit']
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  /** The temporary files the previous kill left behind: the next run must remove them. */
  let leftovers: string[] = []
  /** The complete spec files the previous kill left unrecorded: the next run must set them aside. */
  let unrecorded: string[] = []
  const assertSetAside = (stderr: string) => {
    for (const name of unrecorded) {
      assert.match(stderr, new RegExp(`warning: renamed ${escape(name)} in .* to ${escape(name)}\\.unrecorded: an earlier extract stopped before recording it`))
      assert.ok(!filesIn(ws.out).includes(name), `${name} no longer has a name an upload job picks up`)
      assert.ok(filesIn(ws.out).includes(`${name}.unrecorded`), `${name} is kept as ${name}.unrecorded`)
    }
  }
  for (const stage of stages) {
    it(`killed at stage "${stage}": no partial file under a final name, no run recorded without its files`, async () => {
      const { killed, result } = await killAt(ws, stage)
      assert.ok(killed, `the run was killed at stage ${stage} (it ended first: exit ${result.code}\n${result.stderr})`)
      await assertConsistentAfterCrash(ws, `after a kill at ${stage}`)
      for (const name of leftovers) {
        assert.match(result.stderr, new RegExp(`removed ${escape(name)}, left by a run that was killed`))
        assert.ok(!filesIn(ws.out).includes(name), `${name} was removed`)
      }
      leftovers = filesIn(ws.out).filter((name) => name.startsWith('.part-'))
      if (stage === 'write') assert.ok(leftovers.length > 0, 'the kill while writing left a temporary file behind')
      assertSetAside(result.stderr)
      unrecorded = unrecordedSpecFiles(ws)
      if (stage === 'renamed') assert.ok(unrecorded.length > 0, 'the kill after the rename left a complete file no run records')
    })
  }

  it('the rerun completes: exit 0, the leftover .part- files are gone, no unrecorded spec file is left, the same rows as an uninterrupted run, the lock released', async () => {
    const rerun = await runCli(extractArgs(ws), { cwd: ws.folder })
    assert.equal(rerun.code, 0, rerun.stderr)
    assert.deepEqual(filesIn(ws.out).filter((name) => name.startsWith('.part-')), [], 'no temporary file is left')
    assertSetAside(rerun.stderr)
    assert.deepEqual(unrecordedSpecFiles(ws), [], 'every spec file in the output folder is recorded by a run')
    assert.ok(filesIn(ws.out).some((name) => name.endsWith('.unrecorded')), 'the file the kill after the rename left is kept as .unrecorded')
    for (const name of leftovers) assert.match(rerun.stderr, new RegExp(`removed ${escape(name)}, left by a run that was killed`))
    assert.equal(newestContent(ws.out), reference, 'the rerun writes exactly what an uninterrupted run writes')
    await assertConsistentAfterCrash(ws, 'after the rerun')
    assert.equal(existsSync(join(ws.state, 'lock')), false, 'the workspace lock is released')
  })
})

describe('disk full and an unwritable output folder: OUTPUT_NOT_WRITABLE, no partial file, state unchanged', () => {
  /** Mounts a tmpfs (root only; CI runs as root in its container), or says why not. */
  const mountTmpfs = (dir: string, options: string): string | undefined => {
    mkdirSync(dir, { recursive: true })
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' })
      return undefined
    } catch (error) {
      return `cannot mount a tmpfs here (${String((error as Error).message).split('\n')[0]})`
    }
  }
  const unmount = (dir: string) => execFileSync('umount', [dir], { stdio: 'pipe' })

  const expectNotWritable = async (ws: MappingWorkspace, out: string) => {
    const before = recordedRuns(ws)
    const result = await runCli([...extractArgs(ws), '--out', out], { cwd: ws.folder })
    assert.equal(result.code, 74, result.stderr)
    assert.match(result.stderr, new RegExp(`OUTPUT_NOT_WRITABLE: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    assert.equal(unclearOutput(result), undefined, result.stderr)
    assert.deepEqual(filesIn(out), [], 'nothing is left in the output folder, under any name')
    assert.equal(recordedRuns(ws), before, 'no run recorded')
  }

  it('an output folder that fills up (a 24 KB tmpfs) while the file is written', async (t) => {
    const ws = workspace.mapping()
    const small = join(ws.folder, 'small')
    const why = mountTmpfs(small, 'size=24k,mode=0700')
    if (why) return t.skip(why)
    try {
      await expectNotWritable(ws, small)
    } finally {
      unmount(small)
    }
  })

  it('a read-only output folder (a read-only mount: even root cannot write)', async (t) => {
    const ws = workspace.mapping()
    const readOnly = join(ws.folder, 'readonly')
    const why = mountTmpfs(readOnly, 'size=1m,ro,mode=0700')
    if (why) return t.skip(why)
    try {
      await expectNotWritable(ws, readOnly)
    } finally {
      unmount(readOnly)
    }
  })

  it('an output folder path that runs through a file', async () => {
    const ws = workspace.mapping()
    writeFileSync(join(ws.folder, 'a-file'), 'not a folder')
    const result = await runCli([...extractArgs(ws), '--out', join(ws.folder, 'a-file', 'out')], { cwd: ws.folder })
    assert.equal(result.code, 74, result.stderr)
    assert.match(result.stderr, /OUTPUT_NOT_WRITABLE: .*a-file\/out/)
    assert.equal(unclearOutput(result), undefined, result.stderr)
    assert.equal(recordedRuns(ws), 0)
  })
})

/** Pauses `child` (it keeps the lock it holds) while `body` runs, so the others surely meet it however slow the machine is. */
async function whilePaused(child: ChildProcess, body: () => Promise<void>): Promise<void> {
  child.kill('SIGSTOP')
  try {
    await body()
  } finally {
    child.kill('SIGCONT')
  }
}

describe('two extracts at once on one workspace', () => {
  it('the second exits 75 (STATE_LOCKED, "busy") and changes nothing; the first completes', async () => {
    const ws = workspace.mapping()
    let holder: ChildProcess | undefined
    const first = runCli(extractArgs(ws), { cwd: ws.folder, onSpawn: (child) => (holder = child) })
    assert.ok(await waitFor(() => existsSync(join(ws.state, 'lock')), 60_000), 'the first extract takes the lock')
    const outBefore = filesIn(ws.out)
    await whilePaused(holder!, async () => {
      const second = await runCli(extractArgs(ws), { cwd: ws.folder })
      const sample = await runCli(['extract', '--mapping', ws.file, '--phase', 'sample', '--end-date', '2026-10-15', '--sample-size', '20'], { cwd: ws.folder })
      for (const busy of [second, sample]) {
        assert.equal(busy.code, 75, busy.stderr)
        assert.match(busy.stderr, /STATE_LOCKED: the workspace .* is busy: extract --phase full \(pid \d+/)
        assert.equal(unclearOutput(busy), undefined)
      }
    })
    const firstResult = await first
    assert.equal(firstResult.code, 0, firstResult.stderr)
    assert.equal(recordedRuns(ws), 1, 'only the first run is recorded')
    assert.equal(filesIn(ws.out).filter((name) => name.startsWith('opwr_')).length, 1, 'one file: the first run’s')
    assert.ok(outBefore.every((name) => !name.startsWith('opwr_')))
  })

  it('two `run`s at once: the second exits 75 (STATE_LOCKED) and changes nothing', async () => {
    const ws = workspace.mapping((text) => `${text}\ndelivery:\n  target: local\n  local: { folder: SERVER }\n  retries: 0\n  archive: ARCHIVE\n`)
    const server = join(ws.folder, 'server')
    mkdirSync(join(server, 'shared_files'), { recursive: true })
    mkdirSync(join(server, 'Uploads'))
    writeFileSync(ws.file, readFileSync(ws.file, 'utf8').replace('SERVER', server).replace('ARCHIVE', join(ws.folder, 'archive')))
    // An accepted full historical is the baseline `run` continues from.
    for (const args of [extractArgs(ws), ['send', '--mapping', ws.file, '--pending'], ['accept', 'full-0001', '--mapping', ws.file]]) {
      const step = await runCli(args, { cwd: ws.folder })
      assert.equal(step.code, 0, `${args.join(' ')}: ${step.stderr}`)
    }
    const runArgs = ['run', '--mapping', ws.file, '--phase', 'incremental', '--end-date', '2026-10-31']
    let holder: ChildProcess | undefined
    const first = runCli(runArgs, { cwd: ws.folder, onSpawn: (child) => (holder = child) })
    assert.ok(await waitFor(() => existsSync(join(ws.state, 'lock')), 60_000), 'the first run takes the lock')
    await whilePaused(holder!, async () => {
      const runsBefore = recordedRuns(ws)
      const second = await runCli(runArgs, { cwd: ws.folder })
      assert.equal(second.code, 75, second.stderr)
      assert.match(second.stderr, /STATE_LOCKED: the workspace .* is busy/)
      assert.equal(recordedRuns(ws), runsBefore, 'the second run recorded nothing')
    })
    const firstResult = await first
    assert.notEqual(firstResult.code, 75, firstResult.stderr)
    assert.equal(unclearOutput(firstResult), undefined, firstResult.stderr)
  })
})
