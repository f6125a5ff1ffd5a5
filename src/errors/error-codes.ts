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
  'access',
  'lost',
] as const
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number]

export const ERROR_CODES = {
  USAGE_INVALID_ARGUMENT: 'usage',
  MAPPING_NOT_FOUND: 'config',
  MAPPING_INVALID: 'config',
  MAPPING_SECRET_MISSING: 'config',
  SPEC_TEMPLATE_HEADER_INVALID: 'config',
  MAPPING_CHECK_FAILED: 'config',
  INIT_TARGET_EXISTS: 'usage',
  SOURCE_CONNECT_FAILED: 'temporary',
  SOURCE_QUERY_FAILED: 'source',
  SOURCE_ACCESS_DENIED: 'access',
  SOURCE_TABLE_MISSING: 'source',
  SOURCE_COLUMN_MISSING: 'source',
  SOURCE_CONNECTION_LOST: 'lost',
  SOURCE_STALLED: 'lost',
  RECONCILIATION_FAILED: 'data',
  VALIDATION_FAILED: 'data',
  REJECTS_OVER_LIMIT: 'data',
  INPUT_UNREADABLE: 'input',
  OUTPUT_NOT_WRITABLE: 'io',
  STATE_LOCKED: 'temporary',
  STATE_CORRUPT: 'io',
  STATE_RUN_NOT_FOUND: 'usage',
  STATE_RUN_NOT_SENT: 'usage',
  STATE_RUN_CLOSED: 'usage',
  STATE_NO_BASELINE: 'usage',
  STATE_NOT_FOUND: 'input',
  DELIVERY_OVERDUE: 'data',
  INTERRUPTED: 'temporary',
  DELIVERY_NOT_CONFIGURED: 'config',
  DELIVERY_FOLDER_REFUSED: 'config',
  SFTP_HOST_KEY_REJECTED: 'config',
  SFTP_AUTH_FAILED: 'config',
  SFTP_CONNECT_FAILED: 'temporary',
  SFTP_UPLOAD_FAILED: 'temporary',
  DELIVERY_REMOTE_CONFLICT: 'data',
  SEND_FILE_NOT_VALID: 'data',
  SEND_FILE_UNKNOWN: 'input',
} as const satisfies Record<string, ErrorCategory>

export type ErrorCode = keyof typeof ERROR_CODES

export function categoryOf(code: ErrorCode): ErrorCategory {
  return ERROR_CODES[code]
}
