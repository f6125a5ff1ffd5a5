import { StringDecoder } from 'node:string_decoder'
import type { SourceRow } from '../source-dialect.js'

/**
 * Turns one column's COPY text into source text, or undefined where the text is the value as it is.
 * COPY writes each value with its type's output function, the same text a query's DataRow carries, so
 * the driver's own type parser gives the value a query would have returned.
 */
export type CopyColumnText = ((text: string) => string | null) | undefined

// What `COPY … TO STDOUT` (text format) writes for the characters it escapes. It never writes the octal
// or hex forms (PostgreSQL manual, COPY, "Text Format"); any other escaped character stands for itself.
const UNESCAPED: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }
const ESCAPE = /\\(.)/gs

/**
 * The rows of `COPY (query) TO STDOUT` in text format, from the raw bytes of the copy stream, in a batch
 * per chunk: one line per row, tab between columns, `\N` for NULL, backslash escapes for backslash and
 * control characters. Chunks end anywhere (inside a line, inside a UTF-8 sequence); only the unfinished
 * line is held.
 */
export async function* copyTextRows(chunks: AsyncIterable<Buffer>, columns: readonly CopyColumnText[]): AsyncGenerator<SourceRow[]> {
  const decoder = new StringDecoder('utf8')
  let held = ''
  for await (const chunk of chunks) {
    const text = held + decoder.write(chunk)
    const rows: SourceRow[] = []
    let start = 0
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      rows.push(copyRow(text.slice(start, end), columns))
      start = end + 1
    }
    held = text.slice(start)
    if (rows.length > 0) yield rows
  }
  held += decoder.end()
  if (held !== '') throw new Error(`the COPY output ended inside a row (${held.length} characters after the last line end)`)
}

function copyRow(line: string, columns: readonly CopyColumnText[]): SourceRow {
  const row: SourceRow = line.split('\t')
  if (row.length !== columns.length) throw new Error(`a COPY row has ${row.length} columns, the query ${columns.length}`)
  for (let i = 0; i < row.length; i++) {
    const field = row[i]!
    if (field === '\\N') {
      row[i] = null
      continue
    }
    const text = field.includes('\\') ? field.replace(ESCAPE, (_, char: string) => UNESCAPED[char] ?? char) : field
    const convert = columns[i]
    row[i] = convert === undefined ? text : convert(text)
  }
  return row
}
