import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { generateDemoData } from '../src/demo/generate-demo-data.js'
import { DEMO_SCHEMA } from '../src/demo/demo-schema.js'
import type { SqlValue, TableRow } from '../src/demo/table-schema.js'

/**
 * Frozen bill segments (reads) the demo generator makes per customer over its default history
 * 2024-01-01 to 2026-10-31 (measured: 506,647 reads for 12,000 customers). The bench asks for
 * `rows / READS_PER_CUSTOMER` customers and then reports the reads it really got.
 */
const READS_PER_CUSTOMER = 42.2

/** The history of the bench data; the extract's window is all of it. */
export const BENCH_HISTORY = { from: '2024-01-01', end: '2026-10-31' } as const

export function customersFor(reads: number): number {
  return Math.max(1, Math.ceil(reads / READS_PER_CUSTOMER))
}

/** The demo rows for `customers` customers (deterministic: the same rows on every run). */
export function benchRows(customers: number): Generator<TableRow> {
  return generateDemoData({ customers, seed: 20240101, historyStart: BENCH_HISTORY.from, historyEnd: BENCH_HISTORY.end })
}

/** Where a table's COPY text went, for `\copy … FROM`. */
export interface CopyFile {
  readonly table: string
  readonly columns: readonly string[]
  readonly path: string
}

const FLUSH_CHARS = 1 << 20

/**
 * Passes rows through unchanged while writing each table's rows as PostgreSQL COPY text (one file per
 * table in `dir`), so one pass of the generator fills SQLite and PostgreSQL alike. COPY is several
 * times faster than multi-row INSERTs for millions of rows.
 */
export function* teeToCopyFiles(rows: Iterable<TableRow>, dir: string, files: CopyFile[]): Generator<TableRow> {
  const writers = new Map(
    DEMO_SCHEMA.map((table) => {
      const path = join(dir, `${table.name}.copy`)
      files.push({ table: table.name, columns: table.columns.map((column) => column.name), path })
      return [table.name, { fd: openSync(path, 'w'), columns: table.columns.map((column) => column.name), text: '' }]
    }),
  )
  try {
    for (const item of rows) {
      const writer = writers.get(item.table)!
      writer.text += writer.columns.map((column) => copyText(item.row[column] ?? null)).join('\t') + '\n'
      if (writer.text.length >= FLUSH_CHARS) {
        writeSync(writer.fd, writer.text)
        writer.text = ''
      }
      yield item
    }
    for (const writer of writers.values()) writeSync(writer.fd, writer.text)
  } finally {
    for (const writer of writers.values()) closeSync(writer.fd)
  }
}

/** COPY's text format: `\N` for NULL; backslash, tab, CR and LF escaped (the demo has a street with a tab). */
function copyText(value: SqlValue): string {
  if (value === null) return '\\N'
  if (typeof value === 'number') return String(value)
  return /[\\\t\r\n]/.test(value) ? value.replace(/[\\\t\r\n]/g, (char) => COPY_ESCAPES[char]!) : value
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\r': '\\r', '\n': '\\n' }
