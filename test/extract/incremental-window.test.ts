import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { incrementalWindow } from '../../src/extract/incremental-window.js'
import type { Baseline, RunRecord } from '../../src/state/state-store.js'

const run = (over: Partial<RunRecord>): RunRecord => ({
  runId: 'x',
  seq: 1,
  phase: 'full',
  mappingFile: 'm.yaml',
  mappingKey: 'dem_res',
  createdAt: '',
  windowFrom: '2025-01-01',
  windowTo: '2026-10-24',
  window: { kind: 'historical', from: '2025-01-01', end: '2026-10-24' },
  status: 'accepted',
  verdictAt: undefined,
  verdictBy: undefined,
  summary: {},
  files: [],
  ...over,
})
const historical = run({ runId: 'full-0001' })
const afterHistorical: Baseline = { historical, last: historical }
const afterIncremental: Baseline = {
  historical,
  last: run({
    runId: 'incremental-0002',
    phase: 'incremental',
    window: { kind: 'incremental', historyFrom: '2025-01-01', lower: '2026-10-24 00:00:00.000000', upper: '2026-11-05 00:00:00.000000', asOf: '2026-10-24', baselineBefore: 2 },
  }),
}
const base = { databaseNow: '2026-11-29 10:00:00.250000', endDate: undefined, lookbackSeconds: 86_400, settleLagSeconds: 600, seq: 5 }
const codeOf = (fn: () => unknown) => {
  try {
    fn()
    return undefined
  } catch (error) {
    return isToolkitError(error) ? error.code : 'not a ToolkitError'
  }
}

describe('incremental windows', () => {
  it('after a historical as of D: from the start of D + 1 less the lookback, reads dated after D taken too', () => {
    const window = incrementalWindow({ ...base, baseline: afterHistorical })
    assert.equal(window.lower, '2026-10-24 00:00:00.000000')
    assert.equal(window.asOf, '2026-10-24')
    assert.equal(window.upper, '2026-11-29 09:50:00.250000', 'the database clock less the settle lag')
    assert.equal(window.baselineBefore, 5)
  })

  it('after an incremental: from its upper bound less the lookback; --end-date ends at the start of the next day', () => {
    const window = incrementalWindow({ ...base, baseline: afterIncremental, endDate: '2026-11-11' })
    assert.deepEqual([window.lower, window.upper, window.asOf], ['2026-11-04 00:00:00.000000', '2026-11-12 00:00:00.000000', undefined])
  })

  it('refuses an end date the settled clock has not passed, a window going backwards, and a non-date', () => {
    assert.equal(codeOf(() => incrementalWindow({ ...base, baseline: afterIncremental, endDate: '2026-11-29' })), 'USAGE_INVALID_ARGUMENT')
    assert.equal(codeOf(() => incrementalWindow({ ...base, baseline: afterIncremental, endDate: '2026-11-03' })), 'USAGE_INVALID_ARGUMENT')
    assert.equal(codeOf(() => incrementalWindow({ ...base, baseline: afterIncremental, endDate: '2026-11-31' })), 'USAGE_INVALID_ARGUMENT')
  })
})
