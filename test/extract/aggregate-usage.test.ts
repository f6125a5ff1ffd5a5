import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { aggregateUsage } from '../../src/extract/aggregate-usage.js'
import type { Mapping } from '../../src/config/mapping.js'

const usage = (netMetering: Mapping['usage']['netMetering']): Mapping['usage'] => ({
  quantity: 'q',
  unit: 'u',
  fuel: 'f',
  detailKey: undefined,
  netMetering,
  decimals: 3,
  fuels: [
    { name: 'electric', match: ['E'], unit: 'kWh', units: new Map([['KWH', '1']]), ignore: new Set(['KW']) },
    { name: 'gas', match: ['G'], unit: 'therm', units: new Map([['THERM', '1'], ['CCF', '1.037']]), ignore: new Set() },
  ],
})

describe('aggregateUsage', () => {
  it('adds the kWh rows of a TOU read and leaves demand out', () => {
    const result = aggregateUsage(usage('net'), false, 'E', [
      { quantity: '300.2500', unit: 'KWH' },
      { quantity: '450.1000', unit: 'KWH' },
      { quantity: '7.5', unit: 'KW' },
    ])
    assert.deepEqual(result.kind === 'value' && result.value, '750.35')
  })

  it('converts CCF to therms with the exact factor, rounded half up to the configured digits', () => {
    const result = aggregateUsage(usage('net'), false, 'G', [{ quantity: '100.0005', unit: 'CCF' }])
    assert.equal(result.kind === 'value' && result.value, '103.701') // 103.7005185 → 103.701
  })

  it('applies the net-metering policy to a read with a negative total', () => {
    const rows = [
      { quantity: '200', unit: 'KWH' },
      { quantity: '-350', unit: 'KWH' },
    ]
    assert.equal(aggregateUsage(usage('delivered'), false, 'E', rows).kind === 'value' && (aggregateUsage(usage('delivered'), false, 'E', rows) as { value: string }).value, '200')
    assert.deepEqual(aggregateUsage(usage('exclude'), false, 'E', rows), { kind: 'excluded', reason: 'negative usage (net_metering: exclude)' })
    assert.equal(aggregateUsage(usage('net'), false, 'E', rows).kind, 'rejected')
    const allowed = aggregateUsage(usage('net'), true, 'E', rows)
    assert.equal(allowed.kind === 'value' && allowed.value, '-150')
  })

  it('rejects an undeclared unit and an unknown fuel, naming them', () => {
    assert.deepEqual(aggregateUsage(usage('net'), false, 'E', [{ quantity: '1', unit: 'MWH' }]), { kind: 'rejected', reason: 'unit "MWH" is not declared for fuel electric' })
    assert.equal(aggregateUsage(usage('net'), false, 'W', [{ quantity: '1', unit: 'KWH' }]).kind, 'rejected')
  })
})
