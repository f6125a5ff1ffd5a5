import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AcceptedContinuity, type ReadPeriod } from '../../src/validate/accepted-continuity.js'

const accepted: ReadPeriod[] = [
  { dateTo: '20260901', duration: 31, accountId: 'A' },
  { dateTo: '20261001', duration: 30, accountId: 'A' },
]
const rulesOf = (reads: ReadPeriod[], history = accepted) => {
  const continuity = new AcceptedContinuity(() => history)
  continuity.check('SP1', reads)
  return continuity.findings().map((finding) => `${finding.rule}:${finding.count}`)
}

describe('continuity against accepted reads (V71, V72, V78)', () => {
  it('accepts the next read that starts at the last accepted date_to, and exact overwrites', () => {
    assert.deepEqual(rulesOf([{ dateTo: '20261031', duration: 30, accountId: 'A' }]), [])
    assert.deepEqual(rulesOf([{ dateTo: '20260901', duration: 31, accountId: 'A' }]), [])
  })

  it('accepts an overlapping overwrite that starts where an accepted period starts and becomes the newest', () => {
    assert.deepEqual(rulesOf([{ dateTo: '20261031', duration: 60, accountId: 'A' }]), [])
  })

  it('reports an overlap that starts mid-period, a gap within one account, and an older read that corrects nothing', () => {
    assert.deepEqual(rulesOf([{ dateTo: '20261031', duration: 45, accountId: 'A' }]), ['V71:1'])
    assert.deepEqual(rulesOf([{ dateTo: '20261110', duration: 20, accountId: 'A' }]), ['V72:1'])
    assert.deepEqual(rulesOf([{ dateTo: '20260915', duration: 14, accountId: 'A' }]), ['V78:1'])
  })

  it('does not report the vacancy between a move-out and a move-in, nor a new service point', () => {
    assert.deepEqual(rulesOf([{ dateTo: '20261110', duration: 20, accountId: 'B' }]), [])
    assert.deepEqual(rulesOf([{ dateTo: '20261110', duration: 5, accountId: 'B' }], []), [])
  })
})
