import type BetterSqlite3 from 'better-sqlite3'
import type { Knex } from 'knex'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { SourceDialect, SourceRow, StreamOptions } from '../source-dialect.js'
import { toSourceText } from '../source-value.js'

/**
 * SQLite through better-sqlite3. knex's own `.stream()` buffers the whole result for this driver, so rows
 * come from the statement's `iterate()` on the connection knex pooled; integers come back as bigint
 * (`safeIntegers`) so none loses precision. Dates are TEXT (`YYYY-MM-DD[ HH:MM:SS[.ffffff]]`).
 */
export class SqliteDialect implements SourceDialect {
  readonly name = 'sqlite' as const

  createKnexConfig(connection: Readonly<Record<string, string | number | boolean | undefined>>): Knex.Config {
    return {
      client: 'better-sqlite3',
      connection: { filename: String(connection.filename), options: { readonly: true } },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    }
  }

  formatDate(expression: string): string {
    return `strftime('%Y%m%d', ${expression})`
  }

  formatTimestamp(expression: string): string {
    // Stored as text already; strftime would drop the microseconds.
    return `CAST(${expression} AS TEXT)`
  }

  formatNumber(expression: string): string {
    return expression
  }

  currentTimestampQuery(): string {
    // SQLite has no server clock: the writer's local time is the scale of its text timestamps.
    return `SELECT strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime') || '000'`
  }

  dateParam(): string {
    return '?'
  }

  async *streamRows(knex: Knex, sql: string, bindings: readonly unknown[], options: StreamOptions = {}): AsyncIterable<SourceRow> {
    const connection = (await knex.client.acquireConnection()) as BetterSqlite3.Database
    try {
      const statement = connection.prepare(sql).raw(true).safeIntegers(true)
      let sinceYield = 0
      for (const row of statement.iterate(...(bindings as unknown[])) as IterableIterator<unknown[]>) {
        options.signal?.throwIfAborted()
        yield row.map(toSourceText)
        // iterate() is synchronous: let timers and I/O run now and then.
        if (++sinceYield === 5000) {
          sinceYield = 0
          await yieldToEventLoop()
        }
      }
    } finally {
      await knex.client.releaseConnection(connection)
    }
  }

  async queryRows(knex: Knex, sql: string, bindings: readonly unknown[]): Promise<SourceRow[]> {
    const rows: SourceRow[] = []
    for await (const row of this.streamRows(knex, sql, bindings)) rows.push(row)
    return rows
  }
}
