import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { validateFile } from '../../src/validate/validate-file.js'
import { defaultValidationOptions } from '../../src/validate/validation-options.js'
import { peakHeapGrowth } from '../support/heap-growth.js'
import { FULL_NAME, withTempDir, writeGeneratedGz } from './spec-file-fixtures.js'

describe('validateFile soak', () => {
  it('validates 10 million rows (about 1.4 GB decompressed) of 100,000 service points in flat memory', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGeneratedGz(dir, FULL_NAME, 100_000, 100)
      // 100 monthly reads from 2020 run into the future of today's clock (V60): validate as of 2099.
      const options = defaultValidationOptions({ utility: 'gec', today: '20991231' })
      const { result: report, growthMb: growth } = await peakHeapGrowth(() => validateFile(path, options), 20)
      assert.equal(report.rows, 10_000_000)
      assert.deepEqual(report.findings, [])
      assert.equal(report.statistics?.servicePoints, 100_000)
      // The content would not fit at all; what remains is one small record per service point and account.
      assert.ok(growth < 256, `heap + external grew by ${growth.toFixed(1)} MB`)
    })
  })
})
