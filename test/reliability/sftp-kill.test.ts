import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, statSync, watch } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { StateStore } from '../../src/state/state-store.js'
import { startSshd, type TestSshd } from '../support/sshd-harness.js'
import { extractArgs } from './crash-harness.js'
import { DemoWorkspace, filesIn, runCli, type MappingWorkspace } from './cli-workspace.js'

/** Where in the upload of the `.part-` file the kill lands, judged by its size on the server. */
interface UploadMoment {
  readonly name: string
  readonly reached: (partBytes: number, fileBytes: number) => boolean
}

const MOMENTS: readonly UploadMoment[] = [
  { name: 'the first bytes are on the server', reached: (part) => part > 0 },
  { name: 'about half is uploaded', reached: (part, file) => part >= file / 2 },
  { name: 'the .part- file is complete, not yet renamed', reached: (part, file) => part === file },
]

let demo: DemoWorkspace
let sshd: TestSshd
before(async () => {
  // 1000 customers: a full historical of about 370 KB, many SFTP writes long.
  demo = new DemoWorkspace(1000)
  sshd = await startSshd()
})
after(async () => {
  await sshd.stop()
  demo.dispose()
})

function sftpWorkspace(remote: string): MappingWorkspace {
  return demo.mapping(
    (text) =>
      `${text}\ndelivery:\n${[
        'target: sftp',
        'sftp:',
        `  host: ${sshd.host}`,
        `  port: ${sshd.port}`,
        `  user: ${sshd.user}`,
        `  private_key: \${file:${sshd.clientKeyPath}}`,
        `  host_key: "${sshd.hostKeyFingerprint}"`,
        `shared_folder: ${remote}`,
        'retries: 0',
      ]
        .map((line) => `  ${line}`)
        .join('\n')}\n`,
  )
}

function runStatus(ws: MappingWorkspace, runId: string): string | undefined {
  const store = StateStore.open(ws.state)
  try {
    return store.run(runId)?.status
  } finally {
    store.close()
  }
}

const sizeOf = (path: string) => {
  try {
    return statSync(path).size
  } catch {
    return undefined
  }
}

/**
 * Spawns `send --pending` and, the moment the `.part-` file on the server reaches `moment`, freezes the
 * server's session (so the upload stops exactly there) and kills the client with SIGKILL; then lets the
 * server run on, as a real one would, with whatever the client had sent before it died.
 */
async function killSendAt(ws: MappingWorkspace, remote: string, fileName: string, fileBytes: number, moment: UploadMoment) {
  const part = join(remote, `.part-${fileName}`)
  let frozen: { partBytes: number; finalPresent: boolean } | undefined
  let stop = () => {}
  const result = await runCli(['send', '--mapping', ws.file, '--pending'], {
    cwd: ws.folder,
    onSpawn: (child) => {
      const check = () => {
        const bytes = sizeOf(part)
        if (frozen || bytes === undefined || !moment.reached(bytes, fileBytes)) return
        sshd.pauseSessions()
        frozen = { partBytes: sizeOf(part) ?? -1, finalPresent: sizeOf(join(remote, fileName)) !== undefined }
        child.kill('SIGKILL')
      }
      const watcher = watch(remote, check)
      const poll = setInterval(check, 1)
      stop = () => {
        clearInterval(poll)
        watcher.close()
      }
    },
  })
  stop()
  sshd.resumeSessions()
  // The thawed session reads the closed connection and ends; give it the moment it needs to finish pending writes.
  await sleep(300)
  return { result, frozen }
}

describe('kill -9 of send mid-upload to a real sshd (spawned)', () => {
  it('never leaves a file under the final name on the server or a run marked sent; the rerun delivers the file byte for byte, once', async (t) => {
    const remote = join(sshd.home, 'shared_files')
    mkdirSync(remote)
    const ws = sftpWorkspace(remote)
    const extracted = await runCli(extractArgs(ws), { cwd: ws.folder })
    assert.equal(extracted.code, 0, extracted.stderr)
    const [fileName] = filesIn(ws.out).filter((name) => name.startsWith('opwr_'))
    assert.ok(fileName, 'the extract wrote a file')
    const local = join(ws.out, fileName)
    const fileBytes = statSync(local).size
    const store = StateStore.open(ws.state)
    const runId = store.runs()[0]!.runId
    store.close()

    for (const moment of MOMENTS) {
      const { result, frozen } = await killSendAt(ws, remote, fileName, fileBytes, moment)
      assert.equal(result.signal, 'SIGKILL', `${moment.name}: killed before it finished (${result.stdout}${result.stderr})`)
      assert.ok(frozen, `${moment.name}: reached`)
      t.diagnostic(`killed when ${moment.name}: .part- had ${frozen.partBytes} of ${fileBytes} bytes`)
      assert.equal(frozen.finalPresent, false, `${moment.name}: caught before the rename`)
      assert.ok(moment.reached(frozen.partBytes, fileBytes), `${moment.name}: the .part- file had ${frozen.partBytes} of ${fileBytes} bytes`)
      if (moment !== MOMENTS.at(-1)) assert.ok(frozen.partBytes < fileBytes, `${moment.name}: killed before the upload completed (${frozen.partBytes} of ${fileBytes} bytes)`)
      assert.deepEqual(
        filesIn(remote).filter((name) => name !== `.part-${fileName}`),
        [],
        `${moment.name}: nothing under a final name on the server`,
      )
      assert.equal(runStatus(ws, runId), 'generated', `${moment.name}: the run is not marked sent`)
    }

    const rerun = await runCli(['send', '--mapping', ws.file, '--pending'], { cwd: ws.folder })
    assert.equal(rerun.code, 0, rerun.stderr)
    assert.deepEqual(filesIn(remote), [fileName], 'the final file only, no .part- left')
    assert.deepEqual(readFileSync(join(remote, fileName)), readFileSync(local), 'byte for byte the local file')
    assert.equal(runStatus(ws, runId), 'sent')

    const third = await runCli(['send', '--mapping', ws.file, '--pending'], { cwd: ws.folder })
    assert.equal(third.code, 0, third.stderr)
    assert.match(third.stdout, /nothing to send/)
    assert.deepEqual(filesIn(remote), [fileName])
  })
})
