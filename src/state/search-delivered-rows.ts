import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { ToolkitError } from '../errors/toolkit-error.js'
import { stateFilePath, type RunStatus } from './state-store.js'

/** What `search` looks up: the ids the state indexes delivered reads by. */
export const SEARCH_KEYS = ['account', 'customer', 'service-point'] as const
export type SearchKey = (typeof SEARCH_KEYS)[number]

// Fixed column per key (never user text in the SQL); each has its own index in run_reads.
const COLUMN_OF: Record<SearchKey, string> = { account: 'account_id', customer: 'customer_id', 'service-point': 'service_point_id' }

export interface DeliveredRowQuery {
  readonly by: SearchKey
  readonly id: string
  /** The delivery stream (utility and population) of the mapping searched. */
  readonly mappingKey: string
  /** Also rows of runs still generated or sent (not yet accepted); rejected runs never count. */
  readonly includeUnaccepted: boolean
}

/** One delivered read: where it is (run, file, line) and its keys. No names or addresses are indexed. */
export interface DeliveredRow {
  readonly runId: string
  readonly runStatus: RunStatus
  readonly fileName: string
  readonly line: number
  readonly readKey: string
  readonly servicePointId: string
  readonly accountId: string
  readonly customerId: string
  readonly dateTo: string
  readonly duration: number
}

/**
 * The SQL of a search. `CROSS JOIN` makes SQLite start from run_reads through the index of the searched
 * id (a few rows) instead of walking every read of every accepted run; the test checks the plan. A read
 * carries the placeholder of its part, named in run_parts (schema version 4; before it, reads carried
 * their file name themselves).
 */
export function deliveredRowsSql(query: Pick<DeliveredRowQuery, 'by' | 'includeUnaccepted'>, partsNamed = true): string {
  const statuses = query.includeUnaccepted ? `'accepted', 'sent', 'generated'` : `'accepted'`
  const [fileName, parts] = partsNamed
    ? ['COALESCE(p.file_name, d.file_name)', 'LEFT JOIN run_parts p ON p.run_seq = d.run_seq AND p.part = d.file_name']
    : ['d.file_name', '']
  return `SELECT r.run_id, r.status, ${fileName} AS file_name, d.line, d.read_key, d.service_point_id, d.account_id, d.customer_id, d.date_to, d.duration
    FROM run_reads d CROSS JOIN runs r ${parts}
    WHERE d.${COLUMN_OF[query.by]} = ? AND r.seq = d.run_seq AND r.mapping_key = ? AND r.status IN (${statuses})
    ORDER BY d.run_seq DESC, file_name, d.line`
}

/**
 * Every delivered row of an account, customer or service point from the state index (no file is read),
 * newest run first, in file and line order within a run. Opens the state read-only, so it needs no
 * workspace lock and never waits for a running extract. A missing or unreadable state fails here, before
 * any row; the rows are then streamed.
 */
export function searchDeliveredRows(stateDir: string, query: DeliveredRowQuery): Iterable<DeliveredRow> {
  const path = stateFilePath(stateDir)
  if (!existsSync(path)) {
    throw new ToolkitError('STATE_NOT_FOUND', `there is no workspace state in ${stateDir}: nothing was extracted with this mapping's output.state`, {
      hint: 'check --mapping and its output.state; search looks where extract records its runs',
    })
  }
  let db: Database.Database
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
  } catch (cause) {
    throw new ToolkitError('STATE_CORRUPT', `cannot open the workspace state ${path}`, { cause, hint: 'check that this user can read it and that it is a state database' })
  }
  let rows: IterableIterator<Record<string, string | number>>
  try {
    // Version 2 of the state schema added the delivered-reads index.
    const version = db.pragma('user_version', { simple: true }) as number
    if (version < 2) {
      throw new ToolkitError('STATE_CORRUPT', `the workspace state ${path} predates the search index`, {
        hint: 'run `opower-extract status --mapping FILE` once: it upgrades the state; rows delivered before then are not indexed',
      })
    }
    rows = db.prepare(deliveredRowsSql(query, version >= 4)).iterate(query.id, query.mappingKey) as IterableIterator<Record<string, string | number>>
  } catch (error) {
    db.close()
    throw error
  }
  return toDeliveredRows(db, rows)
}

function* toDeliveredRows(db: Database.Database, rows: IterableIterator<Record<string, string | number>>): Generator<DeliveredRow> {
  try {
    for (const row of rows) {
      yield {
        runId: String(row.run_id),
        runStatus: String(row.status) as RunStatus,
        fileName: String(row.file_name),
        line: Number(row.line),
        readKey: String(row.read_key),
        servicePointId: String(row.service_point_id),
        accountId: String(row.account_id),
        customerId: String(row.customer_id),
        dateTo: String(row.date_to),
        duration: Number(row.duration),
      }
    }
  } finally {
    db.close()
  }
}
