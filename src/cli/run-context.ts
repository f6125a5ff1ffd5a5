import { tmpdir } from 'node:os'
import type { Output } from './output.js'
import { consoleOutput } from './output.js'

/** What every command gets from the process, read once here (never `process.env` deep in the code). */
export interface RunContext {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly abort: AbortController
  readonly output: Output
  readonly tmpDir: string
}

export function runContext(env: NodeJS.ProcessEnv): RunContext {
  return { env: { ...env }, abort: new AbortController(), output: consoleOutput, tmpDir: env.OPOWER_EXTRACT_TMPDIR ?? tmpdir() }
}
