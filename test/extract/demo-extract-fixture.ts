import Database from 'better-sqlite3'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { loadMapping } from '../../src/config/load-mapping.js'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'
import { historicalWindow } from '../../src/extract/extract-window.js'
import { planSample } from '../../src/extract/plan-sample.js'
import { runHistoricalExtract, type HistoricalExtractResult } from '../../src/extract/run-historical-extract.js'
import { createSource } from '../../src/source/create-source.js'

const DEMO_MAPPING = readFileSync(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url), 'utf8')

/** A small demo database in a temp folder, and a way to run extracts with variants of the demo mapping. */
export class DemoExtractFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'opx-extract-'))
  readonly database = join(this.dir, 'billing.sqlite')
  #runs = 0

  constructor(customers = 800) {
    createDemoDatabase(this.database, { customers, seed: 11 })
  }

  /** Runs SQL against the demo database (read-only). */
  sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): T[] {
    const db = new Database(this.database, { readonly: true })
    try {
      return db.prepare(query).all(...params) as T[]
    } finally {
      db.close()
    }
  }

  /** Writes the demo mapping with `edit` applied, pointing at this database and a fresh output folder. */
  mapping(edit: (text: string) => string = (text) => text): string {
    const run = ++this.#runs
    const folder = join(this.dir, `run${run}`)
    mkdirSync(folder)
    const text = edit(DEMO_MAPPING).replace('../demo/billing.sqlite', this.database).replace('../demo/out', join(folder, 'out')).replace('../demo/state', join(this.dir, 'state'))
    const path = join(folder, 'mapping.yaml')
    writeFileSync(path, text)
    return path
  }

  async extract(options: { mappingFile?: string; phase?: 'sample' | 'full'; endDate?: string; from?: string; sampleSize?: number; seed?: string } = {}): Promise<HistoricalExtractResult> {
    const { mapping } = loadMapping(options.mappingFile ?? this.mapping())
    const window = historicalWindow({ endDate: options.endDate ?? '2026-10-15', from: options.from, launchDate: mapping.launchDate })
    const source = createSource(mapping, { env: {} })
    try {
      const premises =
        options.phase === 'sample'
          ? (await planSample(mapping, source, window, { seed: options.seed ?? '1', sampleSize: options.sampleSize ?? 300 })).premises
          : undefined
      return await runHistoricalExtract({
        mapping,
        source,
        phase: options.phase ?? 'full',
        window,
        premises,
        outDir: mapping.output.folder,
        tmpDir: this.dir,
        log: () => {},
      })
    } finally {
      await source.close()
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The data rows of a written gz file as objects keyed by header name. */
export function readRows(path: string): Record<string, string>[] {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n')
  const header = lines[0]!.split('\t')
  return lines
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => Object.fromEntries(line.split('\t').map((value, i) => [header[i]!, value])))
}

/** The decompressed content of a written file. */
export function contentOf(path: string): string {
  return gunzipSync(readFileSync(path)).toString('utf8')
}

export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort()
}
