import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadMapping } from '../../src/config/load-mapping.js'
import type { Mapping } from '../../src/config/mapping.js'
import { createDemoSchema } from '../../src/demo/create-demo-schema.js'
import { generateDemoData } from '../../src/demo/generate-demo-data.js'
import { loadDemoData } from '../../src/demo/load-demo-data.js'
import { historicalWindow } from '../../src/extract/extract-window.js'
import { runHistoricalExtract, type HistoricalExtractResult } from '../../src/extract/run-historical-extract.js'
import { createSource } from '../../src/source/create-source.js'
import { StateStore } from '../../src/state/state-store.js'
import { parseFileName } from '../../src/writer/file-name.js'
import { createScratchDatabase, type ScratchDatabase } from '../source/scratch-database.js'
import { contentOf } from './run-extract.js'

// What the chunked full historical tests share: an extract through runHistoricalExtract, and the checks
// that a chunked run holds the rows of one unchunked read.

export const END_DATE = '2026-10-15'

/** A scratch PostgreSQL schema holding the demo tables of 150 customers (2024-01-01 … 2025-06-30), and the demo mapping to retarget at it. */
export async function demoOnPostgres(folderPrefix: string): Promise<{ dir: string; db: ScratchDatabase; base: Mapping }> {
  const dir = await mkdtemp(join(tmpdir(), folderPrefix))
  const db = await createScratchDatabase('postgres', dir)
  await createDemoSchema(db.knex)
  await loadDemoData(db.knex, generateDemoData({ customers: 150, seed: 9, historyStart: '2024-01-01', historyEnd: '2025-06-30' }))
  const base = loadMapping(fileURLToPath(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url))).mapping
  return { dir, db, base }
}

/** The data lines of a written file (header left out). */
export function dataLines(path: string): string[] {
  return contentOf(path).split('\n').slice(1).filter((line) => line !== '')
}

let servicePointColumn = -1

/** The service point of a data line of the full layout (found by its header once). */
function servicePointOf(line: string): string {
  return line.split('\t')[servicePointColumn]!
}

function findServicePointColumn(path: string): void {
  servicePointColumn = contentOf(path).split('\n')[0]!.split('\t').indexOf('service_point_id')
  assert.ok(servicePointColumn >= 0, 'the full layout has a service_point_id column')
}

/** Every read recorded in a workspace state, read directly (with its file name, see named_run_reads). */
export function recordedReads(stateDir: string): { run_seq: number; file_name: string }[] {
  const db = new Database(join(stateDir, 'state.sqlite'), { readonly: true })
  try {
    return db.prepare('SELECT run_seq, file_name FROM named_run_reads').all() as { run_seq: number; file_name: string }[]
  } finally {
    db.close()
  }
}

export function seqOf(stateDir: string, runId: string): number {
  const state = StateStore.open(stateDir)
  try {
    return state.run(runId)!.seq
  } finally {
    state.close()
  }
}

export interface Extracted {
  readonly result: HistoricalExtractResult
  readonly log: readonly string[]
}

export async function extract(mapping: Mapping, options: { endDate?: string; from?: string; restart?: boolean; signal?: AbortSignal; onLog?: (line: string) => void; tmpDir: string }): Promise<Extracted> {
  const window = historicalWindow({ endDate: options.endDate ?? END_DATE, from: options.from, launchDate: mapping.launchDate })
  const secrets = { env: {} }
  const source = createSource(mapping, secrets)
  const log: string[] = []
  try {
    const result = await runHistoricalExtract({
      mapping,
      source,
      phase: 'full',
      window,
      outDir: mapping.output.folder,
      tmpDir: options.tmpDir,
      signal: options.signal,
      restart: options.restart,
      secrets,
      log: (line) => {
        log.push(line)
        options.onLog?.(line)
      },
    })
    return { result, log }
  } finally {
    await source.close()
  }
}

/** Same rows as one unchunked read, split by service point, each file in spec order, names in load order. */
/**
 * `stampsInFileOrder`: one chunk after another stamps its files in the run's file order; chunks in
 * parallel take stamps as they write, so there the stamps are only distinct.
 */
export function assertSameAsUnchunked(chunked: HistoricalExtractResult, whole: HistoricalExtractResult, minFiles: number, { stampsInFileOrder = true } = {}): void {
  assert.equal(whole.files.length, 1)
  findServicePointColumn(whole.files[0]!.path)
  const wholeLines = dataLines(whole.files[0]!.path)
  assert.ok(chunked.files.length >= minFiles, `${chunked.files.length} files, expected at least ${minFiles}`)
  const owner = new Map<string, string>()
  const all: string[] = []
  for (const file of chunked.files) {
    const lines = dataLines(file.path)
    assert.ok(lines.length > 0, `${file.fileName} has rows`)
    for (const servicePoint of new Set(lines.map(servicePointOf))) {
      assert.equal(owner.get(servicePoint), undefined, `service point ${servicePoint} is in ${owner.get(servicePoint)} and ${file.fileName}`)
      owner.set(servicePoint, file.fileName)
    }
    // In spec order: exactly the unchunked file's rows of its service points, in the same order.
    const mine = new Set(lines.map(servicePointOf))
    assert.deepEqual(lines, wholeLines.filter((line) => mine.has(servicePointOf(line))), `${file.fileName} is the unchunked rows of its service points, in order`)
    all.push(...lines)
  }
  assert.deepEqual([...all].sort(), [...wholeLines].sort(), 'the chunks together hold exactly the unchunked rows')
  const stamps = chunked.files.map((file) => parseFileName(file.fileName)!.timestamp)
  if (stampsInFileOrder) for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i - 1]! < stamps[i]!, `file timestamps strictly increase: ${stamps.join(', ')}`)
  else assert.equal(new Set(stamps).size, stamps.length, `file timestamps are distinct: ${stamps.join(', ')}`)
  assert.equal(chunked.counts.sourceReadKeys, whole.counts.sourceReadKeys)
  assert.equal(chunked.counts.written, whole.counts.written)
  assert.equal(chunked.counts.written, all.length)
  assert.ok(chunked.valid, 'every chunk file validates')
}
