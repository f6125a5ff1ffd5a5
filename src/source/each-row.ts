import type { SourceRow } from './source-dialect.js'

/** The rows of batches, one at a time, for a reader that takes rows singly. */
export async function* eachRow(batches: AsyncIterable<readonly SourceRow[]>): AsyncGenerator<SourceRow> {
  for await (const batch of batches) {
    // A loop, not `yield*`: delegating to an array wraps it in an async iterator, a second promise per row.
    for (const row of batch) yield row
  }
}
