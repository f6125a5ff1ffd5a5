/**
 * Every error the toolkit raises on purpose, with the category that decides the exit code.
 * README.md lists them all; `test/errors/error-codes.test.ts` keeps the two in step.
 */
export const ERROR_CATEGORIES = [
  'usage',
  'data',
  'input',
  'source',
  'internal',
  'io',
  'temporary',
  'config',
  'unavailable',
] as const
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number]

export const ERROR_CODES = {
  USAGE_INVALID_ARGUMENT: 'usage',
  COMMAND_NOT_AVAILABLE: 'unavailable',
  MAPPING_NOT_FOUND: 'config',
  MAPPING_INVALID: 'config',
  MAPPING_SECRET_MISSING: 'config',
  SPEC_TEMPLATE_HEADER_INVALID: 'config',
  SOURCE_CONNECT_FAILED: 'temporary',
  SOURCE_QUERY_FAILED: 'source',
  SOURCE_STALLED: 'temporary',
  RECONCILIATION_FAILED: 'data',
  VALIDATION_FAILED: 'data',
  REJECTS_OVER_LIMIT: 'data',
  INPUT_UNREADABLE: 'input',
  OUTPUT_NOT_WRITABLE: 'io',
  STATE_LOCKED: 'temporary',
  STATE_CORRUPT: 'io',
  INTERRUPTED: 'temporary',
} as const satisfies Record<string, ErrorCategory>

export type ErrorCode = keyof typeof ERROR_CODES

export function categoryOf(code: ErrorCode): ErrorCategory {
  return ERROR_CODES[code]
}
