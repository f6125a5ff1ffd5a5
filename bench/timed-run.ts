import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** What one timed command took: wall time, and the peak resident set of the command (the pipeline's shell for `bash -c`). */
export interface Timing {
  readonly seconds: number
  readonly peakRssMb: number
  readonly stdout: string
}

/**
 * Runs a command to completion under `/usr/bin/time`, whose `%M` is the peak RSS the kernel recorded for
 * the child (VmHWM), so a short spike between two polls cannot be missed. A failing command throws
 * with its stderr.
 */
export function timedRun(argv: readonly string[], tmpDir: string, env: NodeJS.ProcessEnv = process.env): Timing {
  const report = join(tmpDir, 'time.txt')
  const started = process.hrtime.bigint()
  const result = spawnSync('/usr/bin/time', ['-o', report, '-f', '%M', ...argv], { encoding: 'utf8', env, maxBuffer: 256 << 20 })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (result.status !== 0) {
    throw new Error(`${argv.join(' ').slice(0, 300)} failed (exit ${result.status ?? result.signal}):\n${(result.stderr ?? result.error?.message ?? '').slice(-3000)}`)
  }
  const lines = readFileSync(report, 'utf8').trim().split('\n')
  rmSync(report, { force: true })
  return { seconds, peakRssMb: Number(lines[lines.length - 1]) / 1024, stdout: result.stdout }
}

/** A shell pipeline, with `pipefail` so a failing database client is not hidden by gzip's success. */
export function bash(script: string): string[] {
  return ['bash', '-o', 'pipefail', '-c', script]
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
