import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chooseRunTime, dstChangesOf } from '../../src/schedule/run-time.js'

const NOW = new Date('2026-11-29T12:00:00Z')

describe('scheduled start time and DST', () => {
  it('finds the DST changes of a zone to the minute, in local time', () => {
    const berlin = dstChangesOf('Europe/Berlin', NOW).map((c) => c.description.slice(11, 16))
    assert.deepEqual(berlin, ['02:00', '03:00', '02:00', '03:00'])
    const lordHowe = dstChangesOf('Australia/Lord_Howe', NOW)
    assert.ok(lordHowe.length >= 3)
    assert.match(lordHowe[0]!.description, /UTC offset \+11:00 → \+10:30|UTC offset \+10:30 → \+11:00/)
    assert.deepEqual(dstChangesOf('Asia/Tokyo', NOW), [])
  })

  it('accepts the default 04:30 in zones with DST changes at night', () => {
    for (const zone of ['America/Chicago', 'Europe/London', 'Australia/Sydney', 'America/Santiago', 'Pacific/Auckland']) {
      assert.deepEqual(chooseRunTime('04:30', zone, 'weekly', NOW), { hour: 4, minute: 30, cadence: 'weekly' }, zone)
    }
  })

  it('refuses times within an hour of a change and malformed times', () => {
    assert.throws(() => chooseRunTime('01:15', 'America/Chicago', 'weekly', NOW), /within an hour of the DST change/)
    assert.throws(() => chooseRunTime('03:30', 'Europe/Berlin', 'daily', NOW), /within an hour of the DST change/)
    assert.doesNotThrow(() => chooseRunTime('03:30', 'Asia/Tokyo', 'daily', NOW))
    assert.throws(() => chooseRunTime('4:30', 'America/Chicago', 'weekly', NOW), /not a time written HH:MM/)
  })
})
