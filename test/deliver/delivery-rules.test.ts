import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { parse } from 'yaml'
import { normalizeDelivery } from '../../src/config/delivery-settings.js'
import { chooseDeliveryFolder } from '../../src/deliver/delivery-folder.js'
import { checkKnownHosts } from '../../src/deliver/known-hosts.js'
import { buildTransferManifest } from '../../src/deliver/transfer-manifest.js'
import { withRetry } from '../../src/deliver/with-retry.js'
import { ToolkitError } from '../../src/errors/toolkit-error.js'

const dir = mkdtempSync(join(tmpdir(), 'opx-delivery-rules-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const settings = (production: boolean) => normalizeDelivery({ target: 'local', local: { folder: 'drop' }, production }, dir, join(dir, 'out'))

describe('folder guard', () => {
  it('sends samples and full historicals to /shared_files by default, exact case', () => {
    assert.deepEqual(chooseDeliveryFolder('sample', settings(true), false), { folder: '/shared_files', production: false })
    assert.deepEqual(chooseDeliveryFolder('full', settings(true), false), { folder: '/shared_files', production: false })
  })

  it('never sends a sample to production, even with the switch and the confirmation', () => {
    assert.throws(() => chooseDeliveryFolder('sample', settings(true), true), (e: ToolkitError) => e.code === 'DELIVERY_FOLDER_REFUSED')
  })

  it('sends a full historical to production only with the switch and the confirmation', () => {
    assert.throws(() => chooseDeliveryFolder('full', settings(false), true), /needs delivery.production: true/)
    assert.deepEqual(chooseDeliveryFolder('full', settings(true), true), { folder: '/Uploads', production: true })
  })

  it('sends incrementals to production once the switch is on, and to /shared_files before', () => {
    assert.equal(chooseDeliveryFolder('incremental', settings(false), false).folder, '/shared_files')
    assert.deepEqual(chooseDeliveryFolder('incremental', settings(true), false), { folder: '/Uploads', production: true })
  })
})

describe('known_hosts lookup', () => {
  const key = readKeyBlob()
  const other = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU', 'base64')
  const line = `ssh-ed25519 ${key.toString('base64')}`

  it('matches plain, bracketed-port, comma-listed and wildcard host entries', () => {
    assert.equal(checkKnownHosts(`sftp.example.com ${line}\n`, 'sftp.example.com', 22, key), 'match')
    assert.equal(checkKnownHosts(`[sftp.example.com]:2222 ${line}\n`, 'sftp.example.com', 2222, key), 'match')
    assert.equal(checkKnownHosts(`[sftp.example.com]:2222 ${line}\n`, 'sftp.example.com', 22, key), 'unknown')
    assert.equal(checkKnownHosts(`a.example.com,sftp.example.com ${line}\n`, 'sftp.example.com', 22, key), 'match')
    assert.equal(checkKnownHosts(`*.example.com,!bad.example.com ${line}\n`, 'sftp.example.com', 22, key), 'match')
    assert.equal(checkKnownHosts(`*.example.com,!bad.example.com ${line}\n`, 'bad.example.com', 22, key), 'unknown')
  })

  it('matches entries hashed by ssh-keygen -H', () => {
    const file = join(dir, 'known_hosts')
    writeFileSync(file, `sftp.example.com ${line}\n[sftp.example.com]:2222 ${line}\n`)
    const hashed = spawnSync('ssh-keygen', ['-H', '-f', file], { encoding: 'utf8' })
    assert.equal(hashed.status, 0, hashed.stderr)
    const text = readFileSync(file, 'utf8')
    assert.doesNotMatch(text, /sftp\.example\.com/)
    assert.equal(checkKnownHosts(text, 'sftp.example.com', 22, key), 'match')
    assert.equal(checkKnownHosts(text, 'sftp.example.com', 2222, key), 'match')
    assert.equal(checkKnownHosts(text, 'other.example.com', 22, key), 'unknown')
    assert.equal(checkKnownHosts(text, 'sftp.example.com', 22, other), 'changed')
  })

  it('tells a changed key and a revoked key apart from an unknown host', () => {
    assert.equal(checkKnownHosts(`sftp.example.com ${line}\n`, 'sftp.example.com', 22, other), 'changed')
    assert.equal(checkKnownHosts(`@revoked sftp.example.com ${line}\n`, 'sftp.example.com', 22, key), 'revoked')
    assert.equal(checkKnownHosts(`@cert-authority *.example.com ${line}\n`, 'sftp.example.com', 22, key), 'unknown')
  })
})

describe('fileset transfer manifest', () => {
  it('writes meta.version, transfer.validity_window and the files in load order, with configurable name and keys', () => {
    const manifest = buildTransferManifest(
      { version: '1.0', validityWindowSeconds: 7200, name: 'manifest_{utility}_{timestamp}.yaml', filesKey: 'transfer.files', extra: { utility: 'gec' } },
      [
        { name: 'opwr_gec_res_v1-19-0_customer_20261130030000.gz', bytes: 10, sha256: 'a'.repeat(64) },
        { name: 'opwr_gec_res_v1-19-0_usage_20261130030001.gz', bytes: 20, sha256: 'b'.repeat(64) },
      ],
      { utility: 'gec', timestamp: '20261130025959' },
    )
    assert.equal(manifest.name, 'manifest_gec_20261130025959.yaml')
    const document = parse(manifest.text) as { meta: { version: string }; transfer: { validity_window: number; files: { name: string; size: number }[] }; utility: string }
    assert.equal(document.meta.version, '1.0')
    assert.equal(document.transfer.validity_window, 7200)
    assert.deepEqual(document.transfer.files.map((f) => [f.name, f.size]), [
      ['opwr_gec_res_v1-19-0_customer_20261130030000.gz', 10],
      ['opwr_gec_res_v1-19-0_usage_20261130030001.gz', 20],
    ])
    assert.equal(document.utility, 'gec')
  })
})

describe('retries', () => {
  it('retries temporary errors with doubling delays and gives up after the bound', async () => {
    const delays: number[] = []
    let attempts = 0
    await assert.rejects(
      withRetry(
        async () => {
          attempts++
          throw new ToolkitError('SFTP_CONNECT_FAILED', 'down')
        },
        { retries: 3, delayMs: 1, onRetry: (_e, _n, delay) => delays.push(delay) },
      ),
      /down/,
    )
    assert.equal(attempts, 4)
    assert.deepEqual(delays, [1, 2, 4])
  })

  it('does not retry what a retry cannot fix', async () => {
    let attempts = 0
    await assert.rejects(
      withRetry(
        async () => {
          attempts++
          throw new ToolkitError('SFTP_HOST_KEY_REJECTED', 'changed')
        },
        { retries: 3, delayMs: 1 },
      ),
    )
    assert.equal(attempts, 1)
  })
})

function readKeyBlob(): Buffer {
  const path = join(dir, 'host')
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path])
  return Buffer.from(readFileSync(`${path}.pub`, 'utf8').split(' ')[1]!, 'base64')
}
