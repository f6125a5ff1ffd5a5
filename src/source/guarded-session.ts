import type { Knex } from 'knex'
import type { Mapping } from '../config/mapping.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { DialectSession, SourceDialect, SourceRow, StreamOptions } from './source-dialect.js'
import { sourceError } from './source-error.js'

/**
 * A dialect session with the guarantees extract code relies on, whatever the driver does:
 * - a watchdog: waiting longer than `source.stall_timeout` for the next row (or a query's result) fails
 *   with SOURCE_STALLED instead of hanging;
 * - a connection that drops or is killed fails the waiting read (pg and mysql2 streams can hang forever
 *   after that, node-postgres #2870, mysql2 #3082);
 * - after a failed or abandoned read the connection is destroyed, never handed out again;
 * - driver errors become SOURCE_* errors that name the mapping key.
 * Only time spent waiting on the database counts: a consumer that is busy does not trip the watchdog.
 */
export class GuardedSession {
  readonly #session: DialectSession
  readonly #context: { readonly mapping: Mapping; readonly dialect: SourceDialect }
  readonly #lostWaiters = new Set<(error: Error) => void>()
  #lost: Error | undefined
  /** A read failed or was left unfinished: the connection may still carry rows or be dead. */
  #dirty = false
  #closed = false

  private constructor(session: DialectSession, mapping: Mapping, dialect: SourceDialect) {
    this.#session = session
    this.#context = { mapping, dialect }
    session.onConnectionLost((error) => {
      this.#lost ??= sourceError(error, { ...this.#context, lost: true })
      for (const fail of this.#lostWaiters) fail(this.#lost)
    })
  }

  static async open(knex: Knex, dialect: SourceDialect, mapping: Mapping, snapshot: boolean): Promise<GuardedSession> {
    try {
      return new GuardedSession(await dialect.openSession(knex, { snapshot }), mapping, dialect)
    } catch (cause) {
      throw sourceError(cause, { mapping, dialect })
    }
  }

  async *stream(sql: string, bindings: readonly unknown[], options: StreamOptions = {}): AsyncGenerator<SourceRow> {
    const iterator = this.#session.streamRows(sql, bindings, options)[Symbol.asyncIterator]()
    let finished = false
    try {
      for (;;) {
        const next = await this.#guard(iterator.next(), sql, options.signal)
        if (next.done) break
        yield next.value
      }
      finished = true
    } catch (cause) {
      await this.#fail()
      throw sourceError(cause, { ...this.#context, sql })
    } finally {
      if (!finished) {
        this.#dirty = true
        // Not awaited: on a dead connection the driver's clean-up may never finish.
        iterator.return?.(undefined).catch(() => {})
      }
    }
  }

  async query(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
    try {
      return await this.#guard(this.#session.queryRows(sql, bindings), sql)
    } catch (cause) {
      await this.#fail()
      throw sourceError(cause, { ...this.#context, sql })
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#dirty || this.#lost) return this.#session.destroy()
    try {
      await this.#session.end()
    } catch (cause) {
      await this.#session.destroy()
      throw sourceError(cause, this.#context)
    }
  }

  async #fail(): Promise<void> {
    this.#dirty = true
    await this.#session.destroy().catch(() => {})
  }

  /** Waits for `pending` unless the connection is lost, the watchdog fires or the run is aborted first. */
  #guard<T>(pending: Promise<T>, sql: string, signal?: AbortSignal): Promise<T> {
    const { mapping, dialect } = this.#context
    return new Promise<T>((resolve, reject) => {
      if (this.#lost) return reject(this.#lost)
      if (signal?.aborted) return reject(signal.reason)
      const seconds = mapping.source.stallTimeoutSeconds
      const settle =
        <V>(done: (value: V) => void) =>
        (value: V) => {
          clearTimeout(timer)
          this.#lostWaiters.delete(fail)
          signal?.removeEventListener('abort', onAbort)
          done(value)
        }
      const fail = settle(reject)
      const onAbort = () => fail(signal?.reason)
      const timer = setTimeout(() => {
        fail(
          new ToolkitError('SOURCE_STALLED', `${mapping.file} source.stall_timeout: the ${dialect.name} database sent nothing for ${seconds} s; the connection was closed`, {
            details: [`SQL: ${sql.length > 500 ? `${sql.slice(0, 500)}…` : sql}`],
            hint: 'rerun; if it repeats, ask the DBA about locks, a dead network path or a session that stopped; raise source.stall_timeout for queries that need longer before their first row',
          }),
        )
      }, seconds * 1000)
      this.#lostWaiters.add(fail)
      signal?.addEventListener('abort', onAbort, { once: true })
      pending.then(settle(resolve), fail)
    })
  }
}
