import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { validateFile } from '../../src/validate/validate-file.js'
import { defaultValidationOptions } from '../../src/validate/validation-options.js'
import { FULL_NAME, withTempDir, writeGeneratedGz } from './spec-file-fixtures.js'

setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

const MB = 1024 * 1024

function used(): number {
  const memory = process.memoryUsage()
  return memory.heapUsed + memory.external
}

describe('validateFile soak', () => {
  it('validates 10 million rows (about 1.4 GB decompressed) of 100,000 service points in flat memory', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGeneratedGz(dir, FULL_NAME, 100_000, 100)
      collect()
      const baseline = used()
      let peak = baseline
      const sampler = setInterval(() => {
        peak = Math.max(peak, used())
      }, 20)
      // 100 monthly reads from 2020 run into the future of today's clock (V60): validate as of 2099.
      const report = await validateFile(path, defaultValidationOptions({ utility: 'gec', today: '20991231' }))
      clearInterval(sampler)
      assert.equal(report.rows, 10_000_000)
      assert.deepEqual(report.findings, [])
      assert.equal(report.statistics?.servicePoints, 100_000)
      const growth = (peak - baseline) / MB
      // The content would not fit at all; what remains is one small record per service point and account.
      assert.ok(growth < 256, `heap + external grew by ${growth.toFixed(1)} MB`)
    })
  })
})
