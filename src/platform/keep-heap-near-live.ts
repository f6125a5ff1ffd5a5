import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Heap in use below which `keepHeapNearLive` never collects: twice what a streaming extract keeps live (~20 MB). */
const LEAST_LIMIT_BYTES = 40 * 1024 * 1024

let collect: (() => void) | undefined
let limit = LEAST_LIMIT_BYTES

/**
 * Collects garbage in full when the heap in use has grown past 1.5 times what was live after the last
 * such collection (at least 40 MB). V8 lets the old generation grow to several times what is live before
 * collecting when collecting is cheap: a 200,000-read extract kept about 20 MB live but let the heap reach
 * 120 MB, and the resident set 300 MB; nor did it stay flat, since the growth follows the collector's
 * pace, not the data. With little live, a full collection takes a few milliseconds; the limit follows what
 * is live, so work that keeps more (the validator's per-account facts) is not collected over and over.
 * Call it every few thousand rows of long streaming work.
 *
 * The collector is reached through `--expose-gc` set at run time and the `gc` of a fresh context (V8's
 * flags cannot be passed on the command line of a `bin` script on every platform).
 */
export function keepHeapNearLive(): void {
  if (v8.getHeapStatistics().used_heap_size > limit) collectGarbage()
}

/**
 * Collects garbage in full now, and takes what is left live as the measure of `keepHeapNearLive`. For a
 * pass that allocates fast but keeps little: a full collection also gives back the young generation's
 * pages, which such a pass otherwise fills and keeps resident (see EntityMap.entries).
 */
export function collectGarbage(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc')
    collect = runInNewContext('gc') as () => void
  }
  collect()
  limit = Math.max(LEAST_LIMIT_BYTES, 1.5 * v8.getHeapStatistics().used_heap_size)
}
