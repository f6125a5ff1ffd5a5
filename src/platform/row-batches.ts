/**
 * Rows travel between the extract's stages in batches of some 64: every step of an async generator costs
 * a promise and a result object, about 450 bytes and 0.2 µs, and a step per row per stage was a third of
 * everything a 2M-read extract allocated. Larger batches (hundreds) kept more resident: more of each batch
 * outlives the young generation while it goes through every stage.
 */
export type Batches<T> = AsyncIterable<readonly T[]>

/** Rows per batch that a stage hands on, where it makes the batches. */
export const BATCH_ROWS = 64

/** Rows that come singly (a sort on disk hands its records out one at a time), in batches of up to `size`. */
export async function* inBatches<T>(rows: AsyncIterable<T> | Iterable<T>, size = BATCH_ROWS): AsyncGenerator<T[]> {
  let batch: T[] = []
  for await (const row of rows) {
    batch.push(row)
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** The rows of batches, one at a time, for a reader that takes rows singly. */
export async function* eachRow<T>(batches: Batches<T>): AsyncGenerator<T> {
  for await (const batch of batches) {
    // A loop, not `yield*`: delegating to an array wraps it in an async iterator, a second promise per row.
    for (const row of batch) yield row
  }
}
