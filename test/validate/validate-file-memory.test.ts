import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { validateFile } from '../../src/validate/validate-file.js'
import { defaultValidationOptions } from '../../src/validate/validation-options.js'
import { FULL_NAME, withTempDir, writeGeneratedGz } from './spec-file-fixtures.js'

// A clean baseline needs a full collection; the test runner does not pass --expose-gc.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

const MB = 1024 * 1024

function used(): number {
  const memory = process.memoryUsage()
  return memory.heapUsed + memory.external
}

describe('validateFile memory', () => {
  it('validates 500,000 rows (about 69 MB decompressed) of 20,000 service points in memory that does not grow with the rows', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGeneratedGz(dir, FULL_NAME, 20_000, 25)
      collect()
      const baseline = used()
      let peak = baseline
      // Sampled while the validation streams: the peak, not the end state, shows whether the file was held.
      const sampler = setInterval(() => {
        peak = Math.max(peak, used())
      }, 5)
      const started = Date.now()
      const report = await validateFile(path, defaultValidationOptions({ utility: 'gec' }))
      clearInterval(sampler)
      peak = Math.max(peak, used())
      assert.equal(report.rows, 500_000)
      assert.deepEqual(report.findings, [])
      const growth = (peak - baseline) / MB
      // Holding the content would take at least its 69 MB once as bytes and once as strings; the per-entity
      // maps (accounts, premises, addresses, service points) take a few hundred bytes per service point.
      assert.ok(growth < 128, `heap + external grew by ${growth.toFixed(1)} MB`)
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`)
    })
  })
})
