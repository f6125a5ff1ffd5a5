import type { SourceFailure } from './source-dialect.js'

// Node's own socket error codes mean the same whatever driver saw them: the host could not be reached, or
// an open connection went away. Drivers that speak TCP from JavaScript classify these first.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'])
const LOST = new Set(['ECONNRESET', 'EPIPE'])

/** The failure a Node socket error code stands for, or undefined when the code is not a socket one. */
export function socketFailureOf(code: unknown): SourceFailure | undefined {
  if (typeof code !== 'string') return undefined
  if (UNREACHABLE.has(code)) return { kind: 'unreachable' }
  if (LOST.has(code)) return { kind: 'lost' }
  return undefined
}
