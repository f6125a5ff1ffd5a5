import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runMappingCheck } from '../../src/check/run-mapping-check.js'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'
import { startSshd, type TestSshd } from '../support/sshd-harness.js'

const DEMO = readFileSync(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'opx-check-delivery-'))
const database = join(dir, 'billing.sqlite')
let sshd: TestSshd
let files = 0

before(async () => {
  createDemoDatabase(database, { customers: 40, seed: 3 })
  sshd = await startSshd()
  mkdirSync(join(sshd.home, 'shared_files'))
})
after(async () => {
  await sshd?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** The demo mapping with an SFTP delivery section pointing at the test sshd. */
function mappingWith(sftp: { hostKey?: string; sharedFolder?: string }): string {
  const path = join(dir, `mapping-${++files}.yaml`)
  const delivery = [
    'delivery:',
    '  target: sftp',
    '  sftp:',
    `    host: ${sshd.host}`,
    `    port: ${sshd.port}`,
    `    user: ${sshd.user}`,
    `    private_key: \${file:${sshd.clientKeyPath}}`,
    `    host_key: "${sftp.hostKey ?? sshd.hostKeyFingerprint}"`,
    `  shared_folder: ${sftp.sharedFolder ?? join(sshd.home, 'shared_files')}`,
  ].join('\n')
  writeFileSync(path, `${DEMO.replace('../demo/billing.sqlite', database).replaceAll('../demo/', './')}\n${delivery}\n`)
  return path
}

async function deliveryOf(path: string) {
  const report = await runMappingCheck({ mappingFile: path, env: {}, preview: 0, endDate: '2026-10-15' })
  return report.findings.filter((finding) => finding.topic === 'delivery')
}

describe('check: SFTP reachable with a known host key (real sshd)', () => {
  it('reports the server reachable, the pinned host key matching and the shared folder present', async () => {
    const [finding] = await deliveryOf(mappingWith({}))
    assert.equal(finding?.severity, 'ok', finding?.message)
    assert.equal(finding?.message, `sftp://${sshd.user}@127.0.0.1:${sshd.port}: reachable, host key matches the pin, login accepted, ${join(sshd.home, 'shared_files')} present`)
  })

  it('is an error naming the key the server presented when the pin does not match', async () => {
    const [finding] = await deliveryOf(mappingWith({ hostKey: `SHA256:${'A'.repeat(43)}` }))
    assert.equal(finding?.severity, 'error')
    assert.match(finding!.message, /^SFTP_HOST_KEY_REJECTED: /)
    assert.ok(finding!.message.includes(sshd.hostKeyFingerprint), finding!.message)
  })

  it('is an error when the shared folder is not on the server', async () => {
    const [finding] = await deliveryOf(mappingWith({ sharedFolder: join(sshd.home, 'elsewhere', 'shared_files') }))
    assert.equal(finding?.severity, 'error')
    assert.match(finding!.message, /folder .*elsewhere\/shared_files not found/)
    assert.match(finding!.hint ?? '', /case-sensitive/)
  })
})
