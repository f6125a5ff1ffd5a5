import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { StateStore } from '../../src/state/state-store.js'
import { DemoExtractFixture } from '../extract/demo-extract-fixture.js'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
let fixture: DemoExtractFixture
before(() => {
  fixture = new DemoExtractFixture(200)
})
after(() => fixture.dispose())

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args])
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

let count = 0
/** A workspace whose full historical as of 2026-10-15 is extracted, delivered and accepted. */
async function acceptedWorkspace(delivery: string, mappingExtra = '') {
  const dir = join(fixture.dir, `run-ws${++count}`)
  mkdirSync(join(dir, 'server', 'shared_files'), { recursive: true })
  mkdirSync(join(dir, 'server', 'Uploads'))
  const section = delivery.replaceAll('DIR', dir).replace(/^/gm, '  ')
  const mapping = fixture.mapping((text) => `${text.replace('../demo/state', join(dir, 'state'))}\n${mappingExtra}\ndelivery:\n${section}\n`)
  const full = await fixture.extract({ mappingFile: mapping, phase: 'full' })
  const state = StateStore.open(join(dir, 'state'))
  try {
    for (const file of full.files) state.markFileSent(file.fileName, { remotePath: 'manual', sentAt: new Date().toISOString(), manual: true })
    state.acceptRun(full.runId, new Date().toISOString())
  } finally {
    state.close()
  }
  return { dir, mapping, state: join(dir, 'state'), server: join(dir, 'server'), summary: join(dir, 'summary.json') }
}

function statusOf(stateDir: string, runId: string): string | undefined {
  const state = StateStore.open(stateDir)
  try {
    return state.run(runId)?.status
  } finally {
    state.close()
  }
}

describe('run --phase incremental (spawned)', () => {
  it('extracts, validates and sends to /shared_files; the run waits for the Delivery Team (status sent)', async () => {
    const ws = await acceptedWorkspace('target: local\nlocal: { folder: DIR/server }\nretries: 0')
    const run = await cli(['run', '--mapping', ws.mapping, '--phase', 'incremental', '--summary', ws.summary])
    assert.equal(run.code, 0, run.stderr)
    const summary = JSON.parse(readFileSync(ws.summary, 'utf8'))
    assert.equal(summary.outcome, 'ok')
    const runId = summary.extract.runId as string
    assert.match(runId, /^incremental-\d+$/)
    const names = summary.extract.files.map((f: { fileName: string }) => f.fileName)
    assert.ok(names.length > 0)
    assert.deepEqual(readdirSync(join(ws.server, 'shared_files')).sort(), [...names].sort())
    assert.deepEqual(readdirSync(join(ws.server, 'Uploads')), [])
    assert.equal(statusOf(ws.state, runId), 'sent')
    assert.doesNotMatch(readFileSync(ws.summary, 'utf8'), /"(customer_name|service_address|mailing_address)"/)
  })

  it('in production mode delivers to the production folder and accepts the run on delivery; an empty run is accepted too', async () => {
    const ws = await acceptedWorkspace('target: local\nlocal: { folder: DIR/server }\nproduction: true\nretries: 0', 'incremental: { empty_incremental: skip }')
    const run = await cli(['run', '--mapping', ws.mapping, '--phase', 'incremental', '--summary', ws.summary])
    assert.equal(run.code, 0, run.stderr)
    const summary = JSON.parse(readFileSync(ws.summary, 'utf8'))
    assert.equal(readdirSync(join(ws.server, 'Uploads')).length, summary.extract.files.length)
    assert.deepEqual(summary.delivery.runsAccepted, [summary.extract.runId])
    assert.equal(statusOf(ws.state, summary.extract.runId), 'accepted')
    assert.match(run.stdout, /accepted on delivery to the production folder/)

    const empty = await cli(['run', '--mapping', ws.mapping, '--phase', 'incremental', '--summary', ws.summary])
    assert.equal(empty.code, 0, empty.stderr)
    const second = JSON.parse(readFileSync(ws.summary, 'utf8'))
    assert.deepEqual(second.extract.files, [])
    assert.match(empty.stdout, /no new or changed rows; nothing to send/)
    assert.equal(statusOf(ws.state, second.extract.runId), 'accepted')
  })

  it('on a delivery failure exits 75, writes the summary with the error code, starts on_failure, and leaves the run unsent', async () => {
    const marker = 'DIR/alert.txt'
    const ws = await acceptedWorkspace(
      [
        'target: sftp',
        'sftp:',
        '  host: 127.0.0.1',
        '  port: 1',
        '  user: nobody',
        '  private_key: ${file:DIR/no-such-key}',
        `  host_key: "SHA256:${'A'.repeat(43)}"`,
        'retries: 1',
        'retry_delay_seconds: 0.05',
        `on_failure: 'echo "$OPOWER_EXTRACT_EXIT_CODE $OPOWER_EXTRACT_ERROR_CODE" > ${marker}'`,
      ].join('\n'),
    )
    const run = await cli(['run', '--mapping', ws.mapping, '--phase', 'incremental', '--summary', ws.summary])
    assert.equal(run.code, 78, run.stderr)
    assert.match(run.stderr, /MAPPING_SECRET_MISSING: .* delivery\.sftp\.private_key: cannot read secret file/)
    const summary = JSON.parse(readFileSync(ws.summary, 'utf8'))
    assert.equal(summary.outcome, 'failed')
    assert.equal(summary.errorCode, 'MAPPING_SECRET_MISSING')
    assert.equal(readFileSync(join(ws.dir, 'alert.txt'), 'utf8').trim(), '78 MAPPING_SECRET_MISSING')
    assert.equal(statusOf(ws.state, summary.extract.runId), 'generated')
  })

  it('exits 75 when the SFTP server cannot be reached, after the bounded retries', async () => {
    const ws = await acceptedWorkspace(
      [
        'target: sftp',
        'sftp:',
        '  host: 127.0.0.1',
        '  port: 1',
        '  user: nobody',
        '  private_key: ${file:DIR/key}',
        `  host_key: "SHA256:${'A'.repeat(43)}"`,
        'retries: 2',
        'retry_delay_seconds: 0.05',
      ].join('\n'),
    )
    writeFileSync(join(ws.dir, 'key'), 'not a key, never read: the connection fails first\n')
    const run = await cli(['run', '--mapping', ws.mapping, '--phase', 'incremental', '--summary', ws.summary])
    assert.equal(run.code, 75, run.stderr)
    assert.match(run.stderr, /SFTP_CONNECT_FAILED: cannot connect to sftp:\/\/nobody@127\.0\.0\.1:1/)
    assert.equal((run.stderr.match(/retrying in/g) ?? []).length, 2)
    const summary = JSON.parse(readFileSync(ws.summary, 'utf8'))
    assert.equal(summary.errorCode, 'SFTP_CONNECT_FAILED')
    assert.equal(statusOf(ws.state, summary.extract.runId), 'generated', 'the state does not advance')
  })

  it('holds the workspace lock from extract to send: a second run, extract or accept meanwhile exits 75 and changes nothing', async () => {
    // An SSH server that accepts and never answers keeps the first run in its send step, after its extract.
    const sockets: Socket[] = []
    const server = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const ws = await acceptedWorkspace(
        ['target: sftp', 'sftp:', '  host: 127.0.0.1', `  port: ${port}`, '  user: nobody', '  private_key: ${file:DIR/key}', `  host_key: "SHA256:${'A'.repeat(43)}"`, '  timeout_seconds: 60', 'retries: 0'].join('\n'),
      )
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(ws.dir, 'key')])
      const first = spawn(process.execPath, [BIN, 'run', '--mapping', ws.mapping, '--phase', 'incremental', '--summary', ws.summary])
      let firstOut = ''
      let firstErr = ''
      first.stdout.on('data', (chunk) => (firstOut += chunk))
      first.stderr.on('data', (chunk) => (firstErr += chunk))
      const firstExit = new Promise<number | null>((resolve) => first.on('close', resolve))
      let poll: NodeJS.Timeout | undefined
      const sending = new Promise<string>((resolve) => {
        poll = setInterval(() => {
          if (/run incremental-\d+: window/.test(firstOut) && sockets.length > 0) resolve('sending')
        }, 50)
      })
      const reached = await Promise.race([sending, firstExit.then((code) => `exited ${code}`)])
      clearInterval(poll)
      assert.equal(reached, 'sending', `${firstOut}${firstErr}`)
      const outDir = join(dirname(ws.mapping), 'out')
      const files = readdirSync(outDir).sort()
      const lockFile = readFileSync(join(ws.state, 'lock'), 'utf8')

      const secondSummary = join(ws.dir, 'second-summary.json')
      const second = await cli(['run', '--mapping', ws.mapping, '--phase', 'incremental', '--summary', secondSummary])
      assert.equal(second.code, 75, second.stderr)
      assert.match(second.stderr, /STATE_LOCKED: the workspace .* is busy: run --phase incremental \(pid \d+/)
      assert.equal(existsSync(secondSummary), false, 'a run locked out writes no summary')
      const extract = await cli(['extract', '--mapping', ws.mapping, '--phase', 'incremental'])
      assert.equal(extract.code, 75, extract.stderr)
      assert.match(extract.stderr, /STATE_LOCKED/)
      const runId = /run (incremental-\d+): window/.exec(firstOut)![1]!
      const accept = await cli(['accept', runId, '--mapping', ws.mapping])
      assert.equal(accept.code, 75, accept.stderr)
      assert.deepEqual(readdirSync(outDir).sort(), files, 'no file written or removed')
      assert.equal(readFileSync(join(ws.state, 'lock'), 'utf8'), lockFile, 'the first run still holds the lock')

      for (const socket of sockets) socket.destroy()
      assert.equal(await firstExit, 75)
      assert.equal(existsSync(join(ws.state, 'lock')), false, 'released when the run ends')
      const state = StateStore.open(ws.state)
      try {
        assert.deepEqual(state.runs().map((run) => `${run.runId} ${run.status}`), [`full-0001 accepted`, `${runId} generated`], 'only the first run recorded one')
      } finally {
        state.close()
      }
    } finally {
      for (const socket of sockets) socket.destroy()
      server.close()
    }
  })
})
