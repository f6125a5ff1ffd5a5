import type { Knex } from 'knex'

/** A raw driver connection as knex's pool hands it out; knex skips one marked disposed when it next validates. */
export interface PooledConnection {
  __knex__disposed?: unknown
}

/** Takes one connection out of the knex pool for a session of its own. */
export async function acquirePooled<T extends PooledConnection>(knex: Knex): Promise<T> {
  return (await knex.client.acquireConnection()) as T
}

/** Returns a healthy connection to the pool. */
export async function releasePooled(knex: Knex, connection: PooledConnection): Promise<void> {
  await knex.client.releaseConnection(connection)
}

/**
 * Closes a connection for good (abort, stall, failure) and hands it back marked disposed, so the pool
 * drops it instead of reusing it: a driver may still be draining rows of a cancelled query on it.
 */
export async function destroyPooled(knex: Knex, connection: PooledConnection, closeSocket: () => void): Promise<void> {
  connection.__knex__disposed ??= 'closed by opower-extract after a failed or abandoned extract'
  try {
    closeSocket()
  } finally {
    await knex.client.releaseConnection(connection)
  }
}

/**
 * Forwards a pooled connection's `'error'` and `'end'` events to the listeners of one session, and stops
 * when the session ends: the connection outlives the session in the pool, its listeners must not.
 */
export function watchConnection(connection: NodeJS.EventEmitter, endedError: () => Error): { onLost(listener: (error: Error) => void): void; stop(): void } {
  const listeners = new Set<(error: Error) => void>()
  const onError = (error: Error) => {
    for (const listener of listeners) listener(error)
  }
  const onEnd = () => onError(endedError())
  connection.on('error', onError)
  connection.on('end', onEnd)
  return {
    onLost: (listener) => void listeners.add(listener),
    stop() {
      listeners.clear()
      connection.off('error', onError)
      connection.off('end', onEnd)
    },
  }
}
