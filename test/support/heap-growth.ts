import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// A clean baseline needs a full collection; the test runner does not pass --expose-gc.
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

const MB = 1024 * 1024

function used(): number {
  const memory = process.memoryUsage()
  return memory.heapUsed + memory.external
}

/**
 * Runs `work` and measures how far heap + external memory rose above a collected baseline, sampled every
 * `everyMs` while it runs: the peak, not the end state, shows whether data was held.
 */
export async function peakHeapGrowth<T>(work: () => Promise<T>, everyMs: number): Promise<{ result: T; growthMb: number }> {
  collect()
  const baseline = used()
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, used())
  }, everyMs)
  try {
    const result = await work()
    peak = Math.max(peak, used())
    return { result, growthMb: (peak - baseline) / MB }
  } finally {
    clearInterval(sampler)
  }
}
