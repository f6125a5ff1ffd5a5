import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, watch } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { gunzipSync } from 'node:zlib'
import { loadMapping } from '../../src/config/load-mapping.js'
import { validationOptionsOf } from '../../src/extract/run-historical-extract.js'
import { parseFileName } from '../../src/writer/file-name.js'
import { StateStore } from '../../src/state/state-store.js'
import { validateFile } from '../../src/validate/validate-file.js'
import { filesIn, runCli, type CliResult, type MappingWorkspace } from './cli-workspace.js'

/** When to send SIGKILL to a running extract. */
export type KillStage =
  /** The counts are done and the read query streams (the log line of the count is out). */
  | 'query'
  /** A `.part-` spec file exists: the file is being written. */
  | 'write'
  /** A file has its final name but the run may not be recorded yet (validation and state commit follow). */
  | 'renamed'
  /** The state database has a rollback journal after the file was renamed: a state transaction is open. */
  | 'commit'
  /** The process holds the workspace lock (its pid is in the lock file): send or accept is at work. */
  | 'locked'
  /** After this many milliseconds, wherever the run is. */
  | number

export interface KillOutcome {
  /** The stage was reached and the process killed there (false: it finished or failed first). */
  readonly killed: boolean
  readonly result: CliResult
}

export const extractArgs = (ws: MappingWorkspace) => ['extract', '--mapping', ws.file, '--phase', 'full', '--end-date', '2026-10-15']

/** Runs `args` and kills it with SIGKILL at `stage`. */
export async function killAt(ws: MappingWorkspace, stage: KillStage, args: readonly string[] = extractArgs(ws)): Promise<KillOutcome> {
  let killed = false
  let stderr = ''
  let stop = () => {}
  const result = await runCli(args, {
    cwd: ws.folder,
    onSpawn: (child) => {
      const kill = () => {
        if (!killed && child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL')
      }
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8')
        if (stage === 'query' && /reads with date_to in/.test(stderr)) kill()
      })
      if (typeof stage === 'number') {
        const timer = setTimeout(kill, stage)
        stop = () => clearTimeout(timer)
        return
      }
      // Polling as well as watching: a watch event can come late on a busy machine, a poll every 2 ms cannot miss a state for long.
      const reached = () => {
        const names = filesIn(ws.out)
        if (stage === 'write') return names.some((name) => name.startsWith('.part-opwr_'))
        if (stage === 'renamed') return names.some(isFinalName)
        if (stage === 'commit') return names.some(isFinalName) && existsSync(join(ws.state, 'state.sqlite-journal'))
        if (stage === 'locked') return lockHolder(ws) === child.pid
        return false
      }
      const watchers = [ws.out, ws.state].flatMap((dir) => {
        try {
          return [watch(dir, () => reached() && kill())]
        } catch {
          return []
        }
      })
      const poll = setInterval(() => reached() && kill(), 2)
      stop = () => {
        clearInterval(poll)
        for (const watcher of watchers) watcher.close()
      }
    },
  })
  stop()
  return { killed: killed && result.signal === 'SIGKILL', result }
}

function lockHolder(ws: MappingWorkspace): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(ws.state, 'lock'), 'utf8')) as { pid: number }).pid
  } catch {
    return undefined
  }
}

/** A spec file name (V01): what the extract renames a finished file to; `.part-` and `.unrecorded` names are not. */
export const isFinalName = (name: string) => parseFileName(name) !== null

/** The spec files of the output folder that no run of the state records: what a kill after the rename leaves. */
export function unrecordedSpecFiles(ws: MappingWorkspace): string[] {
  const names = filesIn(ws.out).filter(isFinalName)
  if (!existsSync(join(ws.state, 'state.sqlite'))) return names
  const state = StateStore.open(ws.state)
  try {
    return names.filter((name) => state.fileByName(name) === undefined)
  } finally {
    state.close()
  }
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

/**
 * What must hold after any crash: every file under a final name decompresses completely and validates
 * without errors (a file set aside as `.unrecorded` decompresses completely too), and every run the
 * state records has all its files, byte for byte as recorded.
 */
export async function assertConsistentAfterCrash(ws: MappingWorkspace, context: string): Promise<void> {
  const { mapping } = loadMapping(ws.file)
  for (const name of filesIn(ws.out).filter((file) => file.startsWith('opwr_'))) {
    const path = join(ws.out, name)
    assert.doesNotThrow(() => gunzipSync(readFileSync(path)), `${context}: ${name} decompresses completely`)
    if (!isFinalName(name)) continue
    const fileType = parseFileName(name)?.fileType ?? 'full'
    const report = await validateFile(path, validationOptionsOf(mapping, { fileType } as Parameters<typeof validationOptionsOf>[1]))
    assert.equal(report.errors, 0, `${context}: ${name} validates`)
  }
  if (!existsSync(join(ws.state, 'state.sqlite'))) return
  const state = StateStore.open(ws.state)
  try {
    for (const run of state.runs()) {
      for (const file of state.runFiles(run.runId)) {
        const path = file.path ?? join(ws.out, file.fileName)
        assert.ok(existsSync(path), `${context}: run ${run.runId} is recorded without its file ${file.fileName}`)
        assert.equal(sha256(path), file.sha256, `${context}: ${file.fileName} is the file recorded`)
      }
    }
  } finally {
    state.close()
  }
}

/** The decompressed content of the newest spec file of a folder (names sort by their timestamp). */
export function newestContent(dir: string): string {
  const newest = filesIn(dir)
    .filter(isFinalName)
    .at(-1)
  assert.ok(newest, `a spec file in ${dir}`)
  return gunzipSync(readFileSync(join(dir, newest))).toString('utf8')
}

/** Waits until `path` exists (a lock file, a first output), at most `ms`. */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (check()) return true
    await sleep(5)
  }
  return check()
}
