import { createHash } from 'node:crypto'
import type { Mapping } from '../config/mapping.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { Source } from '../source/create-source.js'
import type { ChunkBound } from '../state/state-store.js'
import type { HistoricalWindow } from './extract-window.js'
import { buildServicePointQuery, sqlOf, type ReadFilter, type SqlCondition } from './read-query.js'

/** The service points of one chunk: ≥ lower (none: from the first) and < upper (none: to the last). */
export interface ChunkBounds {
  readonly lower: ChunkBound | undefined
  readonly upper: ChunkBound | undefined
}

/** One chunk covering everything: a window read in one go. */
export const WHOLE_WINDOW: readonly ChunkBounds[] = [{ lower: undefined, upper: undefined }]

/**
 * Splits a full historical's service points into ranges of `perChunk`: one query lists the window's
 * distinct service points in the database's own order, streamed, and every `perChunk`-th one starts a
 * chunk. The ranges are compared by the same database, so every service point lands in exactly one chunk
 * whatever its collation. A single chunk when `perChunk` is 0 or the window has no more service points,
 * or when service_point_id is not a SQL column (there is nothing to range over).
 */
export async function planChunks(mapping: Mapping, source: Source, window: HistoricalWindow, perChunk: number, signal?: AbortSignal): Promise<ChunkBounds[]> {
  if (perChunk <= 0 || mapping.columns.get('service_point_id')?.source.kind !== 'sql') return [...WHOLE_WINDOW]
  const filter: ReadFilter = { from: window.from, toExclusive: window.toExclusive }
  const snapshot = await source.snapshot()
  try {
    const points = buildServicePointQuery(mapping, snapshot.dialect, filter)
    const query = { sql: `SELECT service_point_id FROM (${points.sql}) points ORDER BY service_point_id`, bindings: points.bindings }
    const starts: ChunkBound[] = []
    let seen = 0
    for await (const row of snapshot.stream(query.sql, query.bindings, { signal })) {
      if (seen > 0 && seen % perChunk === 0) starts.push(row[0] ?? '')
      seen++
    }
    if (starts.length > 0) await checkFirstChunk(mapping, snapshot, filter, starts[0]!, perChunk)
    await snapshot.close()
    // Chunk k runs from the (k-1)-th start (none for the first) to the k-th (none for the last).
    return [undefined, ...starts].map((lower, i): ChunkBounds => ({ lower, upper: starts[i] }))
  } finally {
    await snapshot.close().catch(() => {})
  }
}

/**
 * The bound values go back to the database as bound parameters, as text. A service point expression
 * the database compares with text in another order than it sorts (e.g. SQLite, an integer expression
 * with no column type, is below every text) would silently lose reads in every chunk, so the first
 * range is counted in the same snapshot: it must hold exactly `perChunk` service points.
 */
async function checkFirstChunk(mapping: Mapping, snapshot: Awaited<ReturnType<Source['snapshot']>>, filter: ReadFilter, upper: ChunkBound, perChunk: number): Promise<void> {
  const range = chunkCondition(mapping, { lower: undefined, upper })!
  const query = buildServicePointQuery(mapping, snapshot.dialect, { ...filter, where: range })
  const [row] = await snapshot.query(`SELECT COUNT(*) FROM (${query.sql}) first_chunk`, query.bindings)
  const counted = Number(row?.[0] ?? 0)
  if (counted !== perChunk) {
    throw new ToolkitError(
      'MAPPING_INVALID',
      `${mapping.file}: the database compares service_point_id (${sqlOf(mapping, 'service_point_id')}) with a bound value in another order than it sorts it: the first chunk holds ${counted} service points, not ${perChunk}`,
      { hint: 'map service_point_id to a plain column or CAST it to text, or set output.chunk_service_points: 0 (or --chunk-service-points 0) to read the window in one chunk' },
    )
  }
}

/** The SQL condition of a chunk's range (bound values, never spliced), or undefined for the whole window. */
export function chunkCondition(mapping: Mapping, bounds: ChunkBounds): SqlCondition | undefined {
  if (bounds.lower === undefined && bounds.upper === undefined) return undefined
  const servicePoint = sqlOf(mapping, 'service_point_id')
  if (bounds.lower === undefined) return { sql: `${servicePoint} IS NULL OR ${servicePoint} < ?`, bindings: [bounds.upper] }
  if (bounds.upper === undefined) return { sql: `${servicePoint} >= ?`, bindings: [bounds.lower] }
  return { sql: `${servicePoint} >= ? AND ${servicePoint} < ?`, bindings: [bounds.lower, bounds.upper] }
}

/**
 * What a chunked run's finished chunks were written with: the mapping as loaded (every setting but the
 * chunk size, which the stored plan fixes, and how many chunks run at once, which changes no file) and
 * the output folder. A rerun resumes only when it matches.
 */
export function chunkFingerprint(mapping: Mapping, outDir: string): string {
  const settings = { ...mapping, output: { ...mapping.output, chunkServicePoints: undefined, parallelChunks: undefined } }
  const text = JSON.stringify({ settings, outDir }, (_key, value: unknown) => (value instanceof Map ? [...value] : value))
  return createHash('sha256').update(text).digest('hex')
}
