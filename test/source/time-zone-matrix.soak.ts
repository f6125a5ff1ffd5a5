import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'

// The shared database suite again, with the whole process in other time zones: every database must give
// the same files there too, and the same files as under UTC (dates and timestamps never pass through a
// zone-dependent JS Date).

const SUITE = fileURLToPath(new URL('./shared-database.test.js', import.meta.url))
const ZONES = ['UTC', 'Asia/Tokyo', 'America/Chicago'] as const

describe('time-zone matrix: the shared database suite under TZ=UTC, Asia/Tokyo and America/Chicago', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opx-tz-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const digests = new Map<string, string>()

  for (const zone of ZONES) {
    it(`TZ=${zone}: every database gives identical files`, () => {
      const digestFile = join(dir, `${zone.replace('/', '-')}.txt`)
      // Without the runner's NODE_TEST_CONTEXT, which would make the child report to this process instead.
      const { NODE_TEST_CONTEXT: _, ...env } = process.env
      const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', SUITE], {
        encoding: 'utf8',
        env: { ...env, TZ: zone, OPOWER_TEST_OUTPUT_DIGEST: digestFile },
        timeout: 540_000,
      })
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`)
      assert.match(result.stdout, new RegExp(`process TZ ${zone}`))
      digests.set(zone, readFileSync(digestFile, 'utf8'))
    })
  }

  it('gives the same files in every time zone', () => {
    const utc = digests.get('UTC')
    assert.ok(utc && utc.split('\n').length > 2, 'the UTC run wrote its digests')
    for (const zone of ZONES) assert.equal(digests.get(zone), utc, `TZ=${zone}`)
  })
})
