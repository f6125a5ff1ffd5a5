import type { ErrorCategory } from './error-codes.js'

/**
 * Exit code per error category (numbers follow sysexits.h where one fits). README.md documents the same
 * table; a test checks it. Only `src/cli/main.ts` turns these into `process.exitCode`.
 */
export const EXIT_CODES = {
  ok: 0,
  usage: 64,
  data: 65,
  input: 66,
  source: 69,
  internal: 70,
  io: 74,
  temporary: 75,
  lost: 76,
  access: 77,
  config: 78,
  interrupted: 130,
} as const satisfies Record<ErrorCategory | 'ok' | 'interrupted', number>

export type ExitCategory = keyof typeof EXIT_CODES
