import { ToolkitError } from '../errors/toolkit-error.js'
import type { ErrorCode } from '../errors/error-codes.js'

/** An error as posted between threads: a structured clone keeps an Error's message but not its class or code. */
export interface PostedError {
  readonly name: string
  readonly message: string
  readonly stack: string | undefined
  /** A ToolkitError's code (the exit code depends on it), or a driver error's. */
  readonly code: string | undefined
  readonly toolkit: { readonly hint: string | undefined; readonly details: readonly string[] } | undefined
  readonly cause: PostedError | undefined
}

export function postedError(error: unknown, depth = 0): PostedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), stack: undefined, code: undefined, toolkit: undefined, cause: undefined }
  const code = (error as { code?: unknown }).code
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    code: typeof code === 'string' ? code : undefined,
    toolkit: error instanceof ToolkitError ? { hint: error.hint, details: [...error.details] } : undefined,
    cause: error.cause !== undefined && depth < 3 ? postedError(error.cause, depth + 1) : undefined,
  }
}

/** The error again on this side: a ToolkitError with its code, hint and details, otherwise an Error with its name and code. */
export function revivedError(posted: PostedError): Error {
  const cause = posted.cause ? revivedError(posted.cause) : undefined
  const error = posted.toolkit
    ? new ToolkitError(posted.code as ErrorCode, posted.message, { hint: posted.toolkit.hint, details: posted.toolkit.details, cause })
    : Object.assign(new Error(posted.message, { cause }), posted.code === undefined ? {} : { code: posted.code })
  error.name = posted.name
  if (posted.stack !== undefined) error.stack = posted.stack
  return error
}
