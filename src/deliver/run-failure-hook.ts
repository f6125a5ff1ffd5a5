import { spawn } from 'node:child_process'

export interface FailureFacts {
  readonly exitCode: number
  readonly errorCode: string
  /** The error message (paths and codes; never secrets or personal data). */
  readonly message: string
  readonly summaryFile: string | undefined
}

/**
 * Runs the mapping's `on_failure` command through the shell, with the failure in its environment, so the
 * utility's alerting (mail, ticket, monitoring) hears about a failed scheduled run. Its own failure is
 * reported through `log` and never hides the run's error. Bounded by `timeoutMs`.
 */
export function runFailureHook(
  command: string,
  facts: FailureFacts,
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly log: (line: string) => void; readonly timeoutMs?: number },
): Promise<void> {
  const { log } = options
  return new Promise((resolve) => {
    const child = spawn(command, {
      shell: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: options.timeoutMs ?? 60_000,
      env: {
        ...options.env,
        OPOWER_EXTRACT_EXIT_CODE: String(facts.exitCode),
        OPOWER_EXTRACT_ERROR_CODE: facts.errorCode,
        OPOWER_EXTRACT_MESSAGE: facts.message,
        OPOWER_EXTRACT_SUMMARY: facts.summaryFile ?? '',
      },
    })
    child.on('error', (error) => {
      log(`on_failure command could not start: ${error.message}`)
      resolve()
    })
    child.on('close', (code, signal) => {
      if (code !== 0) log(`on_failure command ended with ${signal ? `signal ${signal}` : `exit code ${code}`}`)
      resolve()
    })
  })
}
