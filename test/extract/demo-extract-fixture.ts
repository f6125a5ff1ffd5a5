import Database from 'better-sqlite3'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'
import type { HistoricalExtractResult } from '../../src/extract/run-historical-extract.js'
import { runExtract } from './run-extract.js'

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
    return runExtract(options.mappingFile ?? this.mapping(), { ...options, endDate: options.endDate ?? '2026-10-15', tmpDir: this.dir })
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
