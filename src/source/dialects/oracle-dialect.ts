import type { Knex } from 'knex'
import { addAbortSignal } from 'node:stream'
import { finished } from 'node:stream/promises'
import type oracledb from 'oracledb'
import { toNativePlaceholders, type NativeSql } from '../native-placeholders.js'
import { acquirePooled, destroyPooled, releasePooled, type PooledConnection } from '../pooled-connection.js'
import type {
  ConnectionValues,
  DialectSession,
  SessionOptions,
  SourceDialect,
  SourceFailure,
  SourceRow,
  StreamOptions,
} from '../source-dialect.js'
import { toSourceText } from '../source-value.js'
import { oracleDriver } from './database-drivers.js'
import { oracleKnexConfig } from './oracle-connection.js'
import { oracleFetchType } from './oracle-values.js'

/** ORA-01795: at most 1000 expressions in one IN list. */
export const ORACLE_MAX_IN_LIST = 1000

/** Rows per round trip; the driver's defaults (100 fetched, 2 prefetched) make a long extract chatty. */
const FETCH_ARRAY_SIZE = 1000

type OracleConnection = oracledb.Connection & PooledConnection

/** Rows as arrays, values through the fetch type handler; built per session, so the driver loads only when one opens. */
function queryOptions() {
  return { outFormat: oracleDriver().OUT_FORMAT_ARRAY, fetchTypeHandler: oracleFetchType } as const
}

/**
 * Oracle through node-oracledb (thin mode unless `thick: true`). Rows stream from `queryStream`, which
 * fetches the next batch only when the consumer asks (back-pressure). Dates are formatted with TO_CHAR,
 * NUMBER arrives as exact text, and the SQL's `?` become `:1, :2, …` binds (never spliced values).
 *
 * Oracle stores `''` as NULL: an empty text column reads as NULL, so `default` applies to it and a
 * mapping condition `col = ''` is never true there (write `col IS NULL`).
 */
export class OracleDialect implements SourceDialect {
  readonly name = 'oracle' as const

  createKnexConfig(connection: ConnectionValues): Knex.Config {
    return oracleKnexConfig(connection)
  }

  formatDate(expression: string): string {
    return `TO_CHAR(${expression}, 'YYYYMMDD')`
  }

  formatTimestamp(expression: string): string {
    // The cast lets one format serve DATE (no fractional seconds, FF is refused on it) and TIMESTAMP.
    return `TO_CHAR(CAST(${expression} AS TIMESTAMP), 'YYYY-MM-DD HH24:MI:SS.FF6')`
  }

  formatNumber(expression: string): string {
    // NUMBER is fetched as exact text by the fetch type handler; TO_CHAR would drop the leading zero.
    return expression
  }

  binaryOrderKey(expression: string): string {
    // Oracle stores '' as NULL: NULLS FIRST puts both where JavaScript puts the empty key.
    return `NLSSORT(TRIM(TO_CHAR(${expression})), 'NLS_SORT=BINARY') NULLS FIRST`
  }

  currentTimestampQuery(): string {
    // SYSTIMESTAMP is the database host's clock in its own zone: the scale of columns stamped with
    // SYSDATE or SYSTIMESTAMP. LOCALTIMESTAMP and CURRENT_TIMESTAMP follow the session time zone (UTC
    // here; left alone, the thin driver sets it from the extract host's offset), not that clock.
    return `SELECT TO_CHAR(SYSTIMESTAMP, 'YYYY-MM-DD HH24:MI:SS.FF6') FROM DUAL`
  }

  dateParam(): string {
    // A DATE bind keeps an index on a DATE column usable; the text is never a JS Date.
    return `TO_DATE(?, 'YYYY-MM-DD')`
  }

  /**
   * A placeholder for a `YYYY-MM-DD HH:MM:SS[.ffffff]` text bound compared with a DATE or TIMESTAMP
   * column (incremental windows). Without it Oracle would parse the text by the session's
   * NLS_DATE_FORMAT (ORA-01861); FF takes any number of fractional digits, or none.
   */
  timestampParam(): string {
    return `TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS.FF')`
  }

  quoteTable(name: string): string {
    // As written: Oracle folds an unquoted name to upper case, as the billing schema's own SQL does.
    return name
  }

  indexLeadingColumnsQuery(table: string): { sql: string; bindings: unknown[] } {
    // The data dictionary holds unquoted names in upper case; OWNER.TABLE narrows to that schema.
    const parts = table.split('.').map((part) => (/^".*"$/.test(part) ? part.slice(1, -1) : part.toUpperCase()))
    const name = parts.at(-1)!
    const owner = parts.length > 1 ? parts[0] : undefined
    return {
      sql: `SELECT column_name FROM all_ind_columns WHERE table_name = ? AND column_position = 1${owner ? ' AND table_owner = ?' : ''}`,
      bindings: owner ? [name, owner] : [name],
    }
  }

  /** The SQL as node-oracledb receives it: `:1 … :n` in the order of the bindings. */
  toNative(sql: string, bindings: readonly unknown[]): NativeSql {
    const native = toNativePlaceholders(sql, bindings, (index) => `:${index + 1}`)
    if (native.longestList > ORACLE_MAX_IN_LIST) {
      throw new Error(`an IN list of ${native.longestList} values exceeds Oracle's limit of ${ORACLE_MAX_IN_LIST} (ORA-01795); the query must be split`)
    }
    for (const value of bindings) assertBindable(value)
    return native
  }

  async openSession(knex: Knex, options: SessionOptions): Promise<DialectSession> {
    const connection = await acquirePooled<OracleConnection>(knex)
    const close = () => hardClose(connection)
    try {
      // Must be the first statement of a transaction: every query of the session then reads the
      // database as of this moment (and fails with ORA-01555 if undo no longer holds it).
      if (options.snapshot) await connection.execute('SET TRANSACTION READ ONLY')
    } catch (error) {
      await destroyPooled(knex, connection, close)
      throw error
    }
    let open = true
    const finish = async (how: 'end' | 'destroy') => {
      if (!open) return
      open = false
      if (how === 'destroy') return destroyPooled(knex, connection, close)
      try {
        // Ends the read-only transaction; nothing was written.
        if (options.snapshot) await connection.commit()
      } catch (error) {
        await destroyPooled(knex, connection, close)
        throw error
      }
      await releasePooled(knex, connection)
    }
    const toNative = (sql: string, bindings: readonly unknown[]) => this.toNative(sql, bindings)
    const fetchOptions = queryOptions()
    return {
      async *streamRows(sql: string, bindings: readonly unknown[], streamOptions: StreamOptions = {}): AsyncIterable<SourceRow> {
        const native = toNative(sql, bindings)
        const fetchArraySize = streamOptions.batchSize ?? FETCH_ARRAY_SIZE
        const stream = connection.queryStream<unknown[]>(native.sql, bindings as oracledb.BindParameter[], {
          ...fetchOptions,
          fetchArraySize,
          prefetchRows: fetchArraySize,
        })
        if (streamOptions.signal) addAbortSignal(streamOptions.signal, stream)
        try {
          for await (const row of stream as AsyncIterable<unknown[]>) yield row.map(toSourceText)
        } finally {
          // The driver closes the result set on destroy; only then may the connection run anything else.
          if (!stream.destroyed) stream.destroy()
          await finished(stream).catch(() => undefined)
        }
      },
      async queryRows(sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
        const native = toNative(sql, bindings)
        const result = await connection.execute<unknown[]>(native.sql, bindings as oracledb.BindParameter[], fetchOptions)
        return (result.rows ?? []).map((row) => row.map(toSourceText))
      },
      onConnectionLost() {
        // node-oracledb reports a broken connection to the call in progress (NJS-500, ORA-03113) and
        // emits no events; a stalled round trip ends through call_timeout or the generic watchdog.
      },
      end: () => finish('end'),
      destroy: () => finish('destroy'),
    }
  }

  classifyError(error: unknown): SourceFailure | undefined {
    const { code, message } = error as { code?: unknown; message?: unknown }
    const text = String(message ?? '')
    const kind = typeof code === 'string' ? ORACLE_FAILURES[code] : undefined
    if (kind === 'missing-table') return { kind, object: /"([^"]+)"\s*does not exist/.exec(text)?.[1] ?? /"([^"]+)"\."([^"]+)"/.exec(text)?.[2] }
    if (kind === 'missing-column') return { kind, object: /ORA-00904: "?(?:[^":]+"\.")?([^":]+)"?: invalid identifier/.exec(text)?.[1] }
    if (kind) return { kind }
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(text)) return { kind: 'unreachable' }
    if (/ECONNRESET|EPIPE/.test(text)) return { kind: 'lost' }
    return typeof code === 'string' && code.startsWith('ORA-') ? { kind: 'query' } : undefined
  }
}

const ORACLE_FAILURES: Readonly<Record<string, SourceFailure['kind']>> = {
  'NJS-503': 'unreachable', // connection to host … could not be established
  'NJS-510': 'unreachable', // connection establishment timed out
  'NJS-511': 'unreachable', // listener refused the connection
  'NJS-512': 'unreachable', // invalid connect string parameters
  'NJS-515': 'unreachable', // invalid Easy Connect syntax
  'NJS-516': 'unreachable', // no tnsnames.ora found for an alias
  'NJS-517': 'unreachable', // alias not in tnsnames.ora
  'NJS-518': 'unreachable', // service not registered with the listener
  'NJS-138': 'unreachable', // database version not supported in thin mode: thick mode needed
  'ORA-12154': 'unreachable',
  'ORA-12170': 'unreachable',
  'ORA-12514': 'unreachable',
  'ORA-12541': 'unreachable',
  'ORA-01017': 'access', // invalid username/password
  'ORA-28000': 'access', // account locked
  'ORA-28001': 'access', // password expired
  'ORA-01045': 'access', // no CREATE SESSION privilege
  'ORA-01031': 'access',
  'NJS-116': 'access', // 10G password verifier: thick mode needed
  'ORA-00942': 'missing-table',
  'ORA-00904': 'missing-column',
  'NJS-500': 'lost', // connection to the database was broken
  'NJS-501': 'lost', // connection lost contact
  'NJS-521': 'lost', // end-of-file on the network
  'NJS-123': 'lost', // call_timeout expired: no answer within one round trip
  'ORA-03113': 'lost',
  'ORA-03114': 'lost',
  'ORA-03135': 'lost',
  'ORA-00028': 'lost', // session killed
  'ORA-02396': 'lost', // idle time exceeded
}

/** Dates are bound as text and converted in SQL: a bound JS Date carries the host's zone into the query. */
function assertBindable(value: unknown): void {
  if (value instanceof Date) throw new Error('a JS Date cannot be bound to an Oracle query: bind YYYY-MM-DD text and convert it with TO_DATE')
}

/** node-oracledb thin mode's immediate close of its network session (sqlnet NSFIMM): no logoff round trip. */
const IMMEDIATE_DISCONNECT = 0x40

/**
 * Closes a connection that may no longer answer. `close()` first rolls back and logs off, round trips
 * that wait behind a stuck fetch on a dead socket; in thin mode the socket is dropped at once instead,
 * which fails any call still waiting on it. Thick mode (no such session object) gets a short call
 * timeout and the normal close.
 */
function hardClose(connection: oracledb.Connection): void {
  const session = (connection as unknown as { _impl?: { nscon?: { disconnect?(mode: number): void } } })._impl?.nscon
  if (typeof session?.disconnect === 'function') {
    session.disconnect(IMMEDIATE_DISCONNECT)
    return
  }
  connection.callTimeout = 1000
  connection.close().catch(() => undefined)
}
