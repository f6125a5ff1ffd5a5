import Database from 'better-sqlite3'
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'

/** One file a run wrote. */
export interface RunFile {
  readonly fileName: string
  readonly fileType: string
  readonly rows: number
  readonly bytes: number
  readonly sha256: string
  readonly valid: boolean
}

/** One run of the ledger. Lifecycle: generated → sent → accepted | rejected (later stages come with delivery). */
export interface RunRecord {
  readonly runId: string
  readonly phase: string
  readonly mappingFile: string
  readonly createdAt: string
  readonly windowFrom: string
  readonly windowTo: string
  readonly status: string
  readonly summary: unknown
  readonly files: readonly RunFile[]
}

// Each entry upgrades the schema by one version; never edit a released entry, append a new one.
const MIGRATIONS = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE runs (run_id TEXT PRIMARY KEY, phase TEXT NOT NULL, mapping_file TEXT NOT NULL, created_at TEXT NOT NULL,
     window_from TEXT NOT NULL, window_to TEXT NOT NULL, status TEXT NOT NULL, summary TEXT NOT NULL);
   CREATE TABLE run_files (run_id TEXT NOT NULL REFERENCES runs(run_id), file_name TEXT PRIMARY KEY, file_type TEXT NOT NULL,
     rows INTEGER NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, valid INTEGER NOT NULL);`,
]

/**
 * The workspace state: one SQLite file written in transactions, readable by its owner only. It holds the
 * run ledger and the last file-name timestamp (names must strictly increase across runs).
 */
export class StateStore {
  readonly #db: Database.Database

  private constructor(db: Database.Database) {
    this.#db = db
  }

  static open(dir: string): StateStore {
    const path = join(dir, 'state.sqlite')
    let db: Database.Database
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      db = new Database(path)
      chmodSync(path, 0o600)
      db.pragma('journal_mode = DELETE')
      db.pragma('synchronous = FULL')
    } catch (cause) {
      throw new ToolkitError('STATE_CORRUPT', `cannot open the workspace state ${path}`, {
        cause,
        hint: 'check that the folder is writable by this user and the file is a state database',
      })
    }
    const store = new StateStore(db)
    store.#migrate()
    return store
  }

  #migrate(): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number
    for (let next = version; next < MIGRATIONS.length; next++) {
      this.#db.transaction(() => {
        this.#db.exec(MIGRATIONS[next]!)
        this.#db.pragma(`user_version = ${next + 1}`)
      })()
    }
  }

  lastFileTimestamp(): string | undefined {
    const row = this.#db.prepare(`SELECT value FROM meta WHERE key = 'last_file_timestamp'`).get() as { value: string } | undefined
    return row?.value
  }

  /** A new run id: the phase and a sequence number, e.g. `full-0003`. */
  nextRunId(phase: string): string {
    const row = this.#db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }
    return `${phase}-${String(row.n + 1).padStart(4, '0')}`
  }

  /** Records a run, its files and the last file timestamp in one transaction. */
  recordRun(run: RunRecord, lastFileTimestamp: string | undefined): void {
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(run.runId, run.phase, run.mappingFile, run.createdAt, run.windowFrom, run.windowTo, run.status, JSON.stringify(run.summary))
      const insertFile = this.#db.prepare('INSERT INTO run_files VALUES (?, ?, ?, ?, ?, ?, ?)')
      for (const file of run.files) {
        insertFile.run(run.runId, file.fileName, file.fileType, file.rows, file.bytes, file.sha256, file.valid ? 1 : 0)
      }
      if (lastFileTimestamp) {
        this.#db.prepare(`INSERT INTO meta VALUES ('last_file_timestamp', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(lastFileTimestamp)
      }
    })()
  }

  runs(): RunRecord[] {
    const rows = this.#db.prepare('SELECT * FROM runs ORDER BY created_at, run_id').all() as Record<string, string>[]
    const files = this.#db.prepare('SELECT * FROM run_files WHERE run_id = ? ORDER BY file_name')
    return rows.map((row) => ({
      runId: row.run_id!,
      phase: row.phase!,
      mappingFile: row.mapping_file!,
      createdAt: row.created_at!,
      windowFrom: row.window_from!,
      windowTo: row.window_to!,
      status: row.status!,
      summary: JSON.parse(row.summary!) as unknown,
      files: (files.all(row.run_id) as Record<string, string | number>[]).map((file) => ({
        fileName: String(file.file_name),
        fileType: String(file.file_type),
        rows: Number(file.rows),
        bytes: Number(file.bytes),
        sha256: String(file.sha256),
        valid: file.valid === 1,
      })),
    }))
  }

  close(): void {
    this.#db.close()
  }
}
