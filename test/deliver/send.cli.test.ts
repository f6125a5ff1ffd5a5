import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import yargs from 'yargs'
import { sendCommand } from '../../src/cli/commands/send.command.js'
import { categoryOf } from '../../src/errors/error-codes.js'
import { EXIT_CODES } from '../../src/errors/exit-codes.js'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { StateStore } from '../../src/state/state-store.js'
import { DemoExtractFixture } from '../extract/demo-extract-fixture.js'
import { startSshd, type TestSshd } from '../support/sshd-harness.js'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
let fixture: DemoExtractFixture
before(() => {
  fixture = new DemoExtractFixture(200)
})
after(() => fixture.dispose())

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * The send command's handler in this process, with the exit code `cli/main.ts` would set: as fast as a
 * function call, for the cases whose spawned twin is the first test.
 */
async function send(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const context = { env: { ...process.env }, abort: new AbortController(), output: { result: (l: string) => stdout.push(l), log: (l: string) => stderr.push(l) }, tmpDir: fixture.dir }
  let code = 0
  try {
    await yargs(['send', ...args])
      .command(sendCommand(context))
      .strict()
      .fail((message, error) => {
        throw error ?? new Error(message)
      })
      .parseAsync()
  } catch (error) {
    if (!isToolkitError(error)) throw error
    stderr.push(`opower-extract: ${error.code}: ${error.message}`)
    code = EXIT_CODES[categoryOf(error.code)]
  }
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
}

let workspaces = 0
/** A demo mapping with its own workspace and the given delivery section (YAML lines under `delivery:`). */
function workspace(delivery: string) {
  const dir = join(fixture.dir, `ws${++workspaces}`)
  mkdirSync(join(dir, 'server', 'shared_files'), { recursive: true })
  mkdirSync(join(dir, 'server', 'Uploads'))
  const section = delivery.replace('SERVER', join(dir, 'server')).replace(/^/gm, '  ')
  const mapping = fixture.mapping((text) => `${text.replace('../demo/state', join(dir, 'state'))}\ndelivery:\n${section}\n  archive: ${join(dir, 'archive')}\n`)
  return { dir, mapping, server: join(dir, 'server'), state: join(dir, 'state'), archive: join(dir, 'archive') }
}

const local = (extra = '') => `target: local\nlocal: { folder: SERVER }\nretries: 0\n${extra}`

async function extract(mapping: string, phase: 'sample' | 'full') {
  const result = await fixture.extract({ mappingFile: mapping, phase, sampleSize: 40 })
  assert.equal(result.valid, true)
  return result
}

function runStatus(state: string, runId: string): string | undefined {
  const store = StateStore.open(state)
  try {
    return store.run(runId)?.status
  } finally {
    store.close()
  }
}

describe('send to a local folder target (the first case spawned, the others in process)', () => {
  it('sends pending files to /shared_files, archives them owner-only, records them, and has nothing left to send', async () => {
    const ws = workspace(local())
    const run = await extract(ws.mapping, 'sample')
    const sent = await cli(['send', '--mapping', ws.mapping, '--pending'])
    assert.equal(sent.code, 0, sent.stderr)
    const name = run.files[0]!.fileName
    assert.deepEqual(readdirSync(join(ws.server, 'shared_files')), [name])
    assert.deepEqual(readFileSync(join(ws.server, 'shared_files', name)), readFileSync(run.files[0]!.path))
    assert.match(sent.stdout, new RegExp(`${name} → local:.*/shared_files/${name}: sent`))
    assert.match(sent.stdout, new RegExp(`run ${run.runId}: every file delivered \\(status sent\\)`))
    assert.equal(runStatus(ws.state, run.runId), 'sent')
    const archived = readdirSync(ws.archive).find((file) => file === name)
    assert.ok(archived, 'archived')
    assert.equal(statSync(join(ws.archive, name)).mode & 0o777, 0o600)
    assert.equal(statSync(ws.archive).mode & 0o777, 0o700)
    const again = await cli(['send', '--mapping', ws.mapping, '--pending'])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /nothing to send/)
  })

  it('records a file already under its final name with the same size (crash after the rename) without sending it again', async () => {
    const ws = workspace(local())
    const run = await extract(ws.mapping, 'full')
    const file = run.files[0]!
    const remote = join(ws.server, 'shared_files', file.fileName)
    copyFileSync(file.path, remote)
    const before = statSync(remote).mtimeMs
    assert.equal(runStatus(ws.state, run.runId), 'generated', 'the crash left the state unchanged')
    const sent = await send(['--mapping', ws.mapping, file.path])
    assert.equal(sent.code, 0, sent.stderr)
    assert.match(sent.stdout, /already on the server with the same size: recorded, not sent again/)
    assert.equal(statSync(remote).mtimeMs, before)
    assert.equal(runStatus(ws.state, run.runId), 'sent')
  })

  it('keeps historicals out of the production folder unless switched on and confirmed; never a sample', async () => {
    const closed = workspace(local())
    const full = await extract(closed.mapping, 'full')
    const refused = await send(['--mapping', closed.mapping, '--pending', '--confirm-historical-to-production'])
    assert.equal(refused.code, 78)
    assert.match(refused.stderr, /DELIVERY_FOLDER_REFUSED: --confirm-historical-to-production needs delivery.production: true/)
    assert.deepEqual(readdirSync(join(closed.server, 'Uploads')), [])
    assert.equal(runStatus(closed.state, full.runId), 'generated')

    const open = workspace(local('production: true'))
    const sample = await extract(open.mapping, 'sample')
    const sampleRefused = await send(['--mapping', open.mapping, sample.files[0]!.path, '--confirm-historical-to-production'])
    assert.equal(sampleRefused.code, 78)
    assert.match(sampleRefused.stderr, /a sample historical never goes to the production folder/)
    const sampleSent = await send(['--mapping', open.mapping, sample.files[0]!.path])
    assert.equal(sampleSent.code, 0, sampleSent.stderr)
    assert.deepEqual(readdirSync(join(open.server, 'shared_files')), [sample.files[0]!.fileName])

    const full2 = await extract(open.mapping, 'full')
    const confirmed = await send(['--mapping', open.mapping, full2.files[0]!.path, '--confirm-historical-to-production'])
    assert.equal(confirmed.code, 0, confirmed.stderr)
    assert.deepEqual(readdirSync(join(open.server, 'Uploads')), [full2.files[0]!.fileName])
    assert.match(confirmed.stdout, new RegExp(`run ${full2.runId}: accepted on delivery to the production folder`))
    assert.equal(runStatus(open.state, full2.runId), 'accepted')
  })

  it('refuses a file that failed validation unless --force, which is logged loudly', async () => {
    const ws = workspace(local())
    const run = await extract(ws.mapping, 'full')
    const file = run.files[0]!
    const bad = join(ws.dir, 'opwr_dem_res_v1-19-0_full_20300101000000.gz')
    copyFileSync(file.path, bad)
    const store = StateStore.open(ws.state)
    store.recordRun(
      {
        runId: 'full-bad',
        phase: 'full',
        mappingFile: ws.mapping,
        createdAt: new Date().toISOString(),
        windowFrom: '2025-01-01',
        windowTo: '2026-10-15',
        status: 'generated',
        summary: {},
        files: [{ fileName: 'opwr_dem_res_v1-19-0_full_20300101000000.gz', fileType: 'full', rows: file.rows, bytes: file.bytes, sha256: file.sha256, valid: false, path: bad }],
      },
      undefined,
    )
    store.close()
    const refused = await send(['--mapping', ws.mapping, bad])
    assert.equal(refused.code, 65)
    assert.match(refused.stderr, /SEND_FILE_NOT_VALID: 1 file\(s\) failed validation and are not sent: opwr_dem_res_v1-19-0_full_20300101000000\.gz/)
    assert.deepEqual(readdirSync(join(ws.server, 'shared_files')), [])
    const forced = await send(['--mapping', ws.mapping, bad, '--force'])
    assert.equal(forced.code, 0, forced.stderr)
    assert.match(forced.stderr, /WARNING: --force: sending opwr_dem_res_v1-19-0_full_20300101000000\.gz although it FAILED validation/)
  })

  it('refuses a file the workspace did not write, or one changed since', async () => {
    const ws = workspace(local())
    const run = await extract(ws.mapping, 'full')
    const stranger = join(ws.dir, 'opwr_dem_res_v1-19-0_full_20200101000000.gz')
    writeFileSync(stranger, 'x')
    const unknown = await send(['--mapping', ws.mapping, stranger])
    assert.equal(unknown.code, 66)
    assert.match(unknown.stderr, /SEND_FILE_UNKNOWN: .* was not written by a run of this workspace/)
    const copy = join(ws.dir, run.files[0]!.fileName)
    copyFileSync(run.files[0]!.path, copy)
    writeFileSync(copy, 'changed', { flag: 'a' })
    const changed = await send(['--mapping', ws.mapping, copy])
    assert.equal(changed.code, 66)
    assert.match(changed.stderr, /differs from the file run .* wrote \(SHA-256 changed\)/)
  })

  it('--manual records a file delivered by other means, uploads nothing', async () => {
    const ws = workspace(local())
    const run = await extract(ws.mapping, 'sample')
    const manual = await send(['--mapping', ws.mapping, '--manual', run.files[0]!.path])
    assert.equal(manual.code, 0, manual.stderr)
    assert.match(manual.stdout, /recorded as delivered by other means \(run sample-\d+: sent\)/)
    assert.deepEqual(readdirSync(join(ws.server, 'shared_files')), [])
    assert.equal(runStatus(ws.state, run.runId), 'sent')
  })

  it('sends the fileset transfer manifest before the data files when enabled', async () => {
    const ws = workspace(local('manifest: { enabled: true, version: "1.0", validity_window: 3600 }'))
    const run = await extract(ws.mapping, 'full')
    const sent = await send(['--mapping', ws.mapping, '--pending'])
    assert.equal(sent.code, 0, sent.stderr)
    const names = readdirSync(join(ws.server, 'shared_files'))
    const manifestName = names.find((name) => name.startsWith('manifest_dem_'))!
    assert.match(manifestName, /^manifest_dem_\d{14}\.yaml$/)
    const manifest = parse(readFileSync(join(ws.server, 'shared_files', manifestName), 'utf8'))
    assert.equal(manifest.meta.version, '1.0')
    assert.equal(manifest.transfer.validity_window, 3600)
    assert.deepEqual(manifest.transfer.files.map((f: { name: string }) => f.name), run.files.map((f) => f.fileName))
    assert.ok(statSync(join(ws.server, 'shared_files', manifestName)).mtimeMs <= statSync(join(ws.server, 'shared_files', run.files[0]!.fileName)).mtimeMs)
  })
})

describe('send over SFTP to a real sshd (spawned)', () => {
  let sshd: TestSshd
  before(async () => {
    sshd = await startSshd()
    mkdirSync(join(sshd.home, 'shared_files'))
  })
  after(() => sshd.stop())

  it('delivers with the key from ${file:…}, the user from ${env:…} and the pinned host key', async () => {
    const ws = workspace(
      [
        'target: sftp',
        'sftp:',
        `  host: ${sshd.host}`,
        `  port: ${sshd.port}`,
        '  user: ${env:OPX_TEST_SFTP_USER}',
        `  private_key: \${file:${sshd.clientKeyPath}}`,
        `  host_key: "${sshd.hostKeyFingerprint}"`,
        `shared_folder: ${join(sshd.home, 'shared_files')}`,
        'retries: 1',
        'retry_delay_seconds: 0.1',
      ].join('\n'),
    )
    const run = await extract(ws.mapping, 'sample')
    const sent = await cli(['send', '--mapping', ws.mapping, '--pending'], { OPX_TEST_SFTP_USER: sshd.user })
    assert.equal(sent.code, 0, sent.stderr)
    const remote = join(sshd.home, 'shared_files', run.files[0]!.fileName)
    assert.deepEqual(readFileSync(remote), readFileSync(run.files[0]!.path))
    assert.match(sent.stdout, new RegExp(`→ sftp://${sshd.user}@127\\.0\\.0\\.1:${sshd.port}${remote.replace(/[.]/g, '\\.')}: sent`))
    assert.doesNotMatch(sent.stdout + sent.stderr, /BEGIN OPENSSH PRIVATE KEY/)
    assert.equal(runStatus(ws.state, run.runId), 'sent')
    assert.equal(existsSync(join(sshd.home, 'shared_files', `.part-${run.files[0]!.fileName}`)), false)

    const missing = await send(['--mapping', ws.mapping, '--pending'])
    assert.equal(missing.code, 0, 'nothing pending: no connection needed')
  })

  it('exits 78 with the seen fingerprint when the pinned host key does not match', async () => {
    const ws = workspace(
      [
        'target: sftp',
        'sftp:',
        `  host: ${sshd.host}`,
        `  port: ${sshd.port}`,
        `  user: ${sshd.user}`,
        `  private_key: \${file:${sshd.clientKeyPath}}`,
        `  host_key: "SHA256:${'A'.repeat(43)}"`,
        `shared_folder: ${join(sshd.home, 'shared_files')}`,
      ].join('\n'),
    )
    const run = await extract(ws.mapping, 'full')
    const refused = await cli(['send', '--mapping', ws.mapping, '--pending'])
    assert.equal(refused.code, 78)
    assert.match(refused.stderr, /SFTP_HOST_KEY_REJECTED: the SFTP server 127\.0\.0\.1:\d+ presented host key SHA256:\S+, which is not the pinned/)
    assert.equal(existsSync(join(sshd.home, 'shared_files', run.files[0]!.fileName)), false)
    assert.equal(runStatus(ws.state, run.runId), 'generated')
  })
})
