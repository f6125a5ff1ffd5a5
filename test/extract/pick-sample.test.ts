import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pickSample } from '../../src/extract/pick-sample.js'

const premises = Array.from({ length: 5000 }, (_, i) => ({ premiseId: `P${i}`, accounts: 1 + (i % 3) }))

describe('pickSample', () => {
  it('is the same pick for the same seed whatever the input order, and another for another seed', () => {
    const a = pickSample(premises, { seed: '1', targetAccounts: 600 })
    const b = pickSample([...premises].reverse(), { seed: '1', targetAccounts: 600 })
    const c = pickSample(premises, { seed: '2', targetAccounts: 600 })
    assert.deepEqual(a, b)
    assert.notDeepEqual(a.premises, c.premises)
    assert.ok(a.accounts >= 600 && a.accounts < 603)
  })

  it('keeps the pick stable when premises are added: a prefix of the same order', () => {
    const small = pickSample(premises, { seed: '1', targetAccounts: 300 })
    const large = pickSample(premises, { seed: '1', targetAccounts: 600 })
    for (const premise of small.premises) assert.ok(large.premises.includes(premise))
  })
})
