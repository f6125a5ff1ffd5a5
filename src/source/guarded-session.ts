import type { Knex } from 'knex'
import type { Mapping } from '../config/mapping.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { DialectSession, SessionOptions, SourceDialect, SourceRow, StreamOptions } from './source-dialect.js'
import { eachRow } from '../platform/row-batches.js'
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

  static async open(knex: Knex, dialect: SourceDialect, mapping: Mapping, options: SessionOptions): Promise<GuardedSession> {
    try {
      return new GuardedSession(await dialect.openSession(knex, options), mapping, dialect)
    } catch (cause) {
      throw sourceError(cause, { mapping, dialect })
    }
  }

  stream(sql: string, bindings: readonly unknown[], options: StreamOptions = {}): AsyncIterable<SourceRow> {
    // A dialect without batches streams its rows as before: no batch of one per row on the way.
    if (!this.#session.streamRowBatches) return this.#guarded(() => this.#session.streamRows(sql, bindings, options), sql, options.signal)
    return eachRow(this.streamBatches(sql, bindings, options))
  }

  /** `stream` in the driver's batches (single rows where the dialect has none): one watchdog wait per batch. */
  streamBatches(sql: string, bindings: readonly unknown[], options: StreamOptions = {}): AsyncIterable<readonly SourceRow[]> {
    const batches = () => this.#session.streamRowBatches?.(sql, bindings, options) ?? singleRows(this.#session.streamRows(sql, bindings, options))
    return this.#guarded(batches, sql, options.signal)
  }

  /**
   * The items of a read, each wait watched (stall, lost connection, abort); a failed or abandoned read
   * marks the connection dirty. The read starts at the first `next()`, as the dialects' own streams do.
   */
  async *#guarded<T>(read: () => AsyncIterable<T>, sql: string, signal: AbortSignal | undefined): AsyncGenerator<T> {
    const iterator = read()[Symbol.asyncIterator]()
    const watch = this.#watch(sql, signal)
    let finished = false
    try {
      for (;;) {
        const next = await watch.wait(iterator.next())
        if (next.done) break
        yield next.value
      }
      finished = true
    } catch (cause) {
      await this.#fail()
      throw sourceError(cause, { ...this.#context, sql })
    } finally {
      watch.stop()
      if (!finished) {
        this.#dirty = true
        // Not awaited: on a dead connection the driver's clean-up may never finish.
        iterator.return?.(undefined).catch(() => {})
      }
    }
  }

  async query(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
    const watch = this.#watch(sql)
    try {
      return await watch.wait(this.#session.queryRows(sql, bindings))
    } catch (cause) {
      await this.#fail()
      throw sourceError(cause, { ...this.#context, sql })
    } finally {
      watch.stop()
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

  /** The watch over the waits of one read: stall timeout, lost connection and abort. */
  #watch(sql: string, signal?: AbortSignal): ReadWatch {
    const { mapping, dialect } = this.#context
    const seconds = mapping.source.stallTimeoutSeconds
    const stalled = () =>
      new ToolkitError('SOURCE_STALLED', `${mapping.file} source.stall_timeout: the ${dialect.name} database sent nothing for ${seconds} s; the connection was closed`, {
        details: [`SQL: ${sql.length > 500 ? `${sql.slice(0, 500)}…` : sql}`],
        hint: 'rerun; if it repeats, ask the DBA about locks, a dead network path or a session that stopped; raise source.stall_timeout for queries that need longer before their first row',
      })
    return new ReadWatch({ timeoutMs: seconds * 1000, stalled, lost: () => this.#lost, lostWaiters: this.#lostWaiters, signal })
  }
}

async function* singleRows(rows: AsyncIterable<SourceRow>): AsyncGenerator<readonly SourceRow[]> {
  for await (const row of rows) yield [row]
}

/**
 * Guards the waits of one read (each `next()` of a stream, or one query) with a single timer, listener
 * and lost-connection registration for the whole read rather than per row: a read of millions of rows
 * would otherwise create and clear a timer, a promise race and an abort listener for every row. The
 * timer is re-armed when a wait starts and ignored when it fires between waits, so only time spent
 * waiting on the database counts.
 */
class ReadWatch {
  readonly #options: ReadWatchOptions
  #timer: NodeJS.Timeout | undefined
  /** Settles the current wait; undefined between waits. */
  #resolve: ((value: never) => void) | undefined
  #reject: ((error: unknown) => void) | undefined
  readonly #onLost = (error: Error) => this.#interrupt(error)
  readonly #onAbort = () => this.#interrupt(this.#options.signal?.reason)
  readonly #onTimer = () => {
    if (this.#reject) this.#interrupt(this.#options.stalled())
  }
  readonly #onValue = (value: unknown) => {
    const resolve = this.#resolve
    this.#settled()
    resolve?.(value as never)
  }
  readonly #onError = (error: unknown) => this.#interrupt(error)

  constructor(options: ReadWatchOptions) {
    this.#options = options
    options.lostWaiters.add(this.#onLost)
    options.signal?.addEventListener('abort', this.#onAbort, { once: true })
  }

  /** Waits for `pending` unless the connection is lost, the watchdog fires or the run is aborted first. */
  wait<T>(pending: Promise<T>): Promise<T> {
    const lost = this.#options.lost()
    const { signal } = this.#options
    if (lost || signal?.aborted) {
      // Not waited for: its own failure (often the same abort) must not surface as an unhandled rejection.
      pending.catch(() => {})
      return Promise.reject(lost ?? signal?.reason)
    }
    return new Promise<T>((resolve, reject) => {
      this.#resolve = resolve as (value: never) => void
      this.#reject = reject
      if (this.#timer) this.#timer.refresh()
      else this.#timer = setTimeout(this.#onTimer, this.#options.timeoutMs)
      pending.then(this.#onValue, this.#onError)
    })
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#settled()
    this.#options.lostWaiters.delete(this.#onLost)
    this.#options.signal?.removeEventListener('abort', this.#onAbort)
  }

  #interrupt(error: unknown): void {
    const reject = this.#reject
    this.#settled()
    reject?.(error)
  }

  #settled(): void {
    this.#resolve = undefined
    this.#reject = undefined
  }
}

interface ReadWatchOptions {
  readonly timeoutMs: number
  readonly stalled: () => Error
  readonly lost: () => Error | undefined
  readonly lostWaiters: Set<(error: Error) => void>
  readonly signal: AbortSignal | undefined
}
