import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { addSeconds, localTimestamp, nextFileTimestamp, nextFileTimestamps } from '../../src/writer/file-timestamp.js'

const at = (iso: string): Date => new Date(iso)

/** Runs one `nextFileTimestamp` per instant, each with the previous answer as `last`, like runs in a row. */
function runs(instants: readonly string[], timeZone: string, first?: string): string[] {
  const stamps: string[] = []
  let last = first
  for (const instant of instants) {
    last = nextFileTimestamp(at(instant), timeZone, last)
    stamps.push(last)
  }
  return stamps
}

function assertStrictlyIncreasing(stamps: readonly string[]): void {
  for (let index = 1; index < stamps.length; index++) {
    assert.ok((stamps[index] as string) > (stamps[index - 1] as string), `${stamps[index - 1]} then ${stamps[index]}`)
  }
}

const everyMinutes = (startIso: string, minutes: number, step: number): string[] =>
  Array.from({ length: Math.floor(minutes / step) + 1 }, (_, i) => new Date(Date.parse(startIso) + i * step * 60_000).toISOString())

describe('nextFileTimestamp', () => {
  it('is the wall clock of the utility zone when there is no earlier file', () => {
    assert.equal(nextFileTimestamp(at('2026-01-15T18:04:05Z'), 'America/Chicago'), '20260115120405')
    assert.equal(nextFileTimestamp(at('2026-07-15T18:04:05Z'), 'America/Chicago'), '20260715130405')
    assert.equal(nextFileTimestamp(at('2026-01-15T18:04:05Z'), 'Australia/Sydney'), '20260116050405')
    assert.equal(nextFileTimestamp(at('2026-01-15T00:00:00Z'), 'UTC'), '20260115000000')
  })

  it('Chicago fall-back: 01:10 CST after 01:30 CDT gives last + 1 s', () => {
    const first = nextFileTimestamp(at('2025-11-02T06:30:00Z'), 'America/Chicago')
    assert.equal(first, '20251102013000')
    const second = nextFileTimestamp(at('2025-11-02T07:10:00Z'), 'America/Chicago', first)
    assert.equal(second, '20251102013001')
  })

  it('Chicago fall-back: runs every 10 minutes through the repeated hour strictly increase, then follow the clock again', () => {
    const stamps = runs(everyMinutes('2025-11-02T05:50:00Z', 150, 10), 'America/Chicago')
    assertStrictlyIncreasing(stamps)
    assert.deepEqual(stamps.slice(0, 7), [
      '20251102005000', '20251102010000', '20251102011000', '20251102012000', '20251102013000', '20251102014000', '20251102015000',
    ])
    // 01:00–01:50 CST repeat the wall clock: each run takes the previous stamp + 1 s.
    assert.deepEqual(stamps.slice(7, 13), [
      '20251102015001', '20251102015002', '20251102015003', '20251102015004', '20251102015005', '20251102015006',
    ])
    assert.equal(stamps.at(-1), '20251102022000')
  })

  it('Chicago spring-forward: no stamp falls in the missing hour and the order holds', () => {
    assert.equal(nextFileTimestamp(at('2025-03-09T07:59:59Z'), 'America/Chicago'), '20250309015959')
    assert.equal(nextFileTimestamp(at('2025-03-09T08:00:00Z'), 'America/Chicago', '20250309015959'), '20250309030000')
    const stamps = runs(everyMinutes('2025-03-09T07:30:00Z', 60, 5), 'America/Chicago')
    assertStrictlyIncreasing(stamps)
    assert.ok(stamps.every((stamp) => stamp.slice(8, 10) !== '02'), stamps.join(' '))
  })

  it('two runs in the same second get consecutive seconds', () => {
    const now = at('2026-03-02T14:00:00.250Z')
    const first = nextFileTimestamp(now, 'America/New_York')
    const second = nextFileTimestamp(at('2026-03-02T14:00:00.900Z'), 'America/New_York', first)
    assert.deepEqual([first, second], ['20260302090000', '20260302090001'])
  })

  it('Australia/Sydney: autumn fall-back in April and spring-forward in October', () => {
    // 2025-04-06 03:00 AEDT becomes 02:00 AEST.
    const autumn = runs(['2025-04-05T15:30:00Z', '2025-04-05T16:10:00Z', '2025-04-05T17:10:00Z'], 'Australia/Sydney')
    assert.deepEqual(autumn, ['20250406023000', '20250406023001', '20250406031000'])
    // 2025-10-05 02:00 AEST becomes 03:00 AEDT.
    const spring = runs(['2025-10-04T15:59:59Z', '2025-10-04T16:00:00Z'], 'Australia/Sydney')
    assert.deepEqual(spring, ['20251005015959', '20251005030000'])
  })

  it('a clock behind the last stamp (skew, a manual rerun) still moves forward', () => {
    assert.equal(nextFileTimestamp(at('2026-01-01T00:00:00Z'), 'UTC', '20260105120000'), '20260105120001')
  })

  it('refuses a broken last stamp and an unknown zone with a coded error', () => {
    for (const last of ['20261301000000', '20260230000000', '20260101240000', '2026010100000', 'abcdefghijklmn']) {
      assert.throws(
        () => nextFileTimestamp(at('2026-01-01T00:00:00Z'), 'UTC', last),
        (error) => error instanceof ToolkitError && error.code === 'STATE_CORRUPT' && error.message.includes(last),
      )
    }
    assert.throws(
      () => nextFileTimestamp(at('2026-01-01T00:00:00Z'), 'America/Springfield'),
      (error) => error instanceof ToolkitError && error.code === 'MAPPING_INVALID' && error.message.includes('America/Springfield'),
    )
  })
})

describe('nextFileTimestamps', () => {
  it('gives a delivery strictly increasing stamps, customer before usage', () => {
    assert.deepEqual(nextFileTimestamps(at('2026-11-01T17:00:00Z'), 'America/Chicago', undefined, 2), [
      '20261101110000',
      '20261101110001',
    ])
    assert.deepEqual(nextFileTimestamps(at('2026-11-01T17:00:00Z'), 'America/Chicago', '20261101110000', 3), [
      '20261101110001',
      '20261101110002',
      '20261101110003',
    ])
    assert.deepEqual(nextFileTimestamps(at('2026-11-01T17:00:00Z'), 'UTC', undefined, 0), [])
    assert.throws(() => nextFileTimestamps(at('2026-11-01T17:00:00Z'), 'UTC', undefined, 1.5), /file count/)
  })
})

describe('addSeconds and localTimestamp', () => {
  it('count on the naive calendar: month, year and leap-day boundaries', () => {
    assert.equal(addSeconds('20251231235959', 1), '20260101000000')
    assert.equal(addSeconds('20240228235959', 1), '20240229000000')
    assert.equal(addSeconds('20250228235959', 1), '20250301000000')
    // 01:59:59 + 1 s on the wall-clock scale is 02:00:00 even on a spring-forward day: no zone is involved.
    assert.equal(addSeconds('20250309015959', 1), '20250309020000')
  })

  it('gives the same answers whatever the process time zone', () => {
    const module = new URL('../../src/writer/file-timestamp.js', import.meta.url).href
    const script = `
      const { nextFileTimestamp, addSeconds, localTimestamp } = await import(${JSON.stringify(module)})
      console.log([
        nextFileTimestamp(new Date('2025-11-02T07:10:00Z'), 'America/Chicago', '20251102013000'),
        nextFileTimestamp(new Date('2025-04-05T16:10:00Z'), 'Australia/Sydney', '20250406023000'),
        addSeconds('20250309015959', 1),
        addSeconds('20251026025959', 1),
        localTimestamp(new Date('2025-03-30T01:30:00Z'), 'Europe/Berlin'),
      ].join(' '))`
    const expected = ['20251102013001', '20250406023001', '20250309020000', '20251026030000', '20250330033000'].join(' ')
    assert.equal(localTimestamp(at('2025-03-30T01:30:00Z'), 'Europe/Berlin'), '20250330033000')
    for (const tz of ['America/Chicago', 'Europe/Berlin', 'Australia/Sydney', 'Pacific/Chatham']) {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' })
      assert.equal(child.status, 0, child.stderr)
      assert.equal(child.stdout.trim(), expected, `TZ=${tz}`)
    }
  })
})
