import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { validateFile } from '../../src/validate/validate-file.js'
import { defaultValidationOptions } from '../../src/validate/validation-options.js'
import { peakHeapGrowth } from '../support/heap-growth.js'
import { FULL_NAME, withTempDir, writeGeneratedGz } from './spec-file-fixtures.js'

describe('validateFile memory', () => {
  it('validates 500,000 rows (about 69 MB decompressed) of 20,000 service points in memory that does not grow with the rows', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGeneratedGz(dir, FULL_NAME, 20_000, 25)
      const started = Date.now()
      const { result: report, growthMb: growth } = await peakHeapGrowth(() => validateFile(path, defaultValidationOptions({ utility: 'gec' })), 5)
      assert.equal(report.rows, 500_000)
      assert.deepEqual(report.findings, [])
      // Holding the content would take at least its 69 MB once as bytes and once as strings; the per-entity
      // maps (accounts, premises, addresses, service points) take a few hundred bytes per service point.
      assert.ok(growth < 128, `heap + external grew by ${growth.toFixed(1)} MB`)
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`)
    })
  })

  it('keeps the heap flat for 150,000 accounts, premises and service points: the per-entity maps move to disk', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGeneratedGz(dir, FULL_NAME, 150_000, 2)
      const options = defaultValidationOptions({ utility: 'gec', entityMapLimit: 10_000 })
      const { result: report, growthMb: growth } = await peakHeapGrowth(() => validateFile(path, options), 5)
      assert.equal(report.rows, 300_000)
      assert.deepEqual(report.findings, [])
      // Held in maps, the eight rules' entries for 150,000 of each entity take well over 100 MB.
      assert.ok(growth < 48, `heap + external grew by ${growth.toFixed(1)} MB`)
    })
  })
})
