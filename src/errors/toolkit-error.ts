import type { ErrorCode } from './error-codes.js'

/**
 * The one error class the toolkit throws on purpose. `message` says what happened, where and what was
 * found; `hint` says what to do about it. Driver errors travel in `cause`.
 *
 * ```ts
 * throw new ToolkitError('MAPPING_INVALID', 'mappings/demo.yaml:14 columns.acct_no: unknown spec column', {
 *   hint: 'did you mean "account_id"?',
 * })
 * ```
 */
export class ToolkitError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  /** Extra lines printed under the message (for example every mapping error at once). */
  readonly details: readonly string[]

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; cause?: unknown; details?: readonly string[] } = {},
  ) {
    super(message, { cause: opts.cause })
    this.name = 'ToolkitError'
    this.code = code
    this.hint = opts.hint
    this.details = opts.details ?? []
  }
}

export function isToolkitError(error: unknown): error is ToolkitError {
  return error instanceof ToolkitError
}
