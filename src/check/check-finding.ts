/** How much a finding of `check` matters: any `error` makes `check` exit non-zero. */
export const FINDING_SEVERITIES = ['error', 'warning', 'ok', 'info'] as const
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number]

/**
 * One result of `check`: what was checked (`topic`), what was found, and what to do about it. Messages that
 * concern a mapping key start with its `file:line key`, like the loader's.
 */
export interface Finding {
  readonly severity: FindingSeverity
  readonly topic: string
  readonly message: string
  readonly hint?: string
}

export function finding(severity: FindingSeverity, topic: string, message: string, hint?: string): Finding {
  return hint === undefined ? { severity, topic, message } : { severity, topic, message, hint }
}
