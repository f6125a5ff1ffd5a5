import Database from 'better-sqlite3'
import { join } from 'node:path'
import { ToolkitError } from '../errors/toolkit-error.js'
import { makeOwnerOnlyDir, restrictToOwner } from '../platform/restrict-to-owner.js'

/** Lifecycle of a run: `generated → sent → accepted | rejected`. Only accepted runs move the incremental state. */
export const RUN_STATUSES = ['generated', 'sent', 'accepted', 'rejected'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** One file a run wrote. */
export interface RunFile {
  readonly fileName: string
  readonly fileType: string
  readonly rows: number
  readonly bytes: number
  readonly sha256: string
  readonly valid: boolean
  /** Where the extract wrote it (absolute). */
  readonly path?: string
}

/** A file of the ledger with its delivery facts. */
export interface RunFileState extends RunFile {
  readonly runId: string
  /** When it was delivered (ISO-8601 UTC), or undefined while pending. */
  readonly sentAt: string | undefined
  /** The remote path (or local folder path) it was delivered to. */
  readonly remotePath: string | undefined
  /** Recorded by `send --manual` (delivered by other means). */
  readonly sentManually: boolean
}

/**
 * The change window of an incremental run (timestamps on the database clock, as text), or the read-date
 * window of a historical. Stored with the run so `--rerun` repeats it exactly.
 */
export type RunWindow =
  | { readonly kind: 'historical'; readonly from: string; readonly end: string }
  | {
      readonly kind: 'incremental'
      /** First read date of the accepted historical: older reads are never sent. */
      readonly historyFrom: string
      /** Inclusive lower bound of the change window (previous upper − lookback). */
      readonly lower: string
      /** Exclusive upper bound (database clock − settle lag, or the end of --end-date). */
      readonly upper: string
      /** Set on the first incremental after a historical as of this date: reads dated after it are taken too. */
      readonly asOf: string | undefined
      /** Duplicate suppression and entity diffs compare with accepted runs before this sequence number. */
      readonly baselineBefore: number
      /** A `--keys` backfill: these read / account keys instead of a change window. */
      readonly keys?: { readonly reads: readonly string[]; readonly accounts: readonly string[] }
    }

/** One run of the ledger. */
export interface RunRecord {
  readonly runId: string
  /** Order of creation; accepted runs are compared by it. */
  readonly seq: number
  readonly phase: string
  readonly mappingFile: string
  /** Which delivery stream the run belongs to (utility and population): watermarks are per key. */
  readonly mappingKey: string
  readonly createdAt: string
  readonly windowFrom: string
  readonly windowTo: string
  readonly window: RunWindow | undefined
  readonly status: RunStatus
  readonly verdictAt: string | undefined
  readonly verdictBy: string | undefined
  readonly summary: unknown
  readonly files: readonly RunFileState[]
}

/** What a new run records. */
export interface NewRun {
  readonly runId: string
  readonly seq?: number
  readonly phase: string
  readonly mappingFile: string
  readonly mappingKey?: string
  readonly createdAt: string
  readonly windowFrom: string
  readonly windowTo: string
  readonly window?: RunWindow
  readonly status: 'generated'
  readonly summary: unknown
  readonly files: readonly RunFile[]
}

/** One read a run wrote: where it is (file, line) and the hash of its usage values. */
export interface DeliveredRead {
  readonly readKey: string
  readonly readHash: string
  readonly fileName: string
  readonly line: number
  readonly servicePointId: string
  readonly accountId: string
  readonly customerId: string
  readonly dateTo: string
  readonly duration: number
}

/** An accepted read of a service point, for the continuity check. */
export interface AcceptedPeriod {
  readonly dateTo: string
  readonly duration: number
  readonly accountId: string
}

/** The accepted run an incremental continues from. */
export interface Baseline {
  /** The latest accepted full historical: its history start and "as of" date. */
  readonly historical: RunRecord
  /** The latest accepted run that moved the watermark (the historical itself, or an incremental). */
  readonly last: RunRecord
}

/** A service point value bounding a chunk, as the database returned it (bound back as is). */
export type ChunkBound = string | number

/** What identifies a chunked full historical being written, and what a rerun must match to resume it. */
interface ChunkedRunIdentity {
  readonly seq: number
  readonly runId: string
  readonly mappingKey: string
  readonly mappingFile: string
  readonly windowFrom: string
  readonly windowEnd: string
  /** What the chunks were planned for (mapping and settings); a rerun resumes only when it is the same. */
  readonly fingerprint: string
  readonly createdAt: string
}

/** A chunked full historical being written: its plan, and what each finished chunk wrote. */
export interface ChunkedRun extends ChunkedRunIdentity {
  readonly chunks: readonly {
    /** 1-based. */
    readonly chunk: number
    /** Service points ≥ lower (none: from the first) and < upper (none: to the last). */
    readonly lower: ChunkBound | undefined
    readonly upper: ChunkBound | undefined
    readonly done: boolean
    /** The files it wrote with their validation, as `FinishedChunk.files`. */
    readonly files: readonly unknown[]
    readonly counts: unknown
    readonly rejectsFile: string | undefined
  }[]
}

export interface NewChunkedRun extends ChunkedRunIdentity {
  readonly bounds: readonly { readonly lower: ChunkBound | undefined; readonly upper: ChunkBound | undefined }[]
}

export interface FinishedChunk {
  readonly seq: number
  readonly chunk: number
  /** The provisional sequence its entities were recorded under. */
  readonly entitySeq: number
  readonly files: readonly (RunFile & { readonly fileName: string })[]
  readonly counts: unknown
  readonly rejectsFile: string | undefined
  readonly finishedAt: string
}

/** The state database of a workspace state folder. */
export function stateFilePath(dir: string): string {
  return join(dir, 'state.sqlite')
}

/**
 * The state's page cache, in KiB. An extract appends its reads to the ledger in batches; the driver's
 * default of 16 MB held 11 MB more resident than 4 MB through a 200,000-read extract, with no measurable
 * change in speed (once the ledger outgrows either, its index pages come from the operating system's cache).
 */
const STATE_CACHE_KIB = 4096

/**
 * Where the placeholders of reads start and end (`#0`, `#1`, …, or `#<chunk>.<part>` for a chunk): a
 * range, so the index is used.
 */
const PLACEHOLDERS = { from: '#', below: '$' }

// Each entry upgrades the schema by one version; never edit a released entry, append a new one.
const MIGRATIONS = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE runs (run_id TEXT PRIMARY KEY, phase TEXT NOT NULL, mapping_file TEXT NOT NULL, created_at TEXT NOT NULL,
     window_from TEXT NOT NULL, window_to TEXT NOT NULL, status TEXT NOT NULL, summary TEXT NOT NULL);
   CREATE TABLE run_files (run_id TEXT NOT NULL REFERENCES runs(run_id), file_name TEXT PRIMARY KEY, file_type TEXT NOT NULL,
     rows INTEGER NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, valid INTEGER NOT NULL);`,
  // 2: lifecycle, incremental windows, delivery facts per file, and what each run delivered (reads, entities).
  `ALTER TABLE runs ADD COLUMN seq INTEGER;
   UPDATE runs SET seq = rowid;
   CREATE UNIQUE INDEX runs_seq ON runs(seq);
   ALTER TABLE runs ADD COLUMN mapping_key TEXT NOT NULL DEFAULT '';
   ALTER TABLE runs ADD COLUMN window_json TEXT;
   ALTER TABLE runs ADD COLUMN verdict_at TEXT;
   ALTER TABLE runs ADD COLUMN verdict_by TEXT;
   ALTER TABLE run_files ADD COLUMN path TEXT;
   ALTER TABLE run_files ADD COLUMN sent_at TEXT;
   ALTER TABLE run_files ADD COLUMN remote_path TEXT;
   ALTER TABLE run_files ADD COLUMN sent_manually INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE run_reads (run_seq INTEGER NOT NULL, read_key TEXT NOT NULL, read_hash TEXT NOT NULL, file_name TEXT NOT NULL,
     line INTEGER NOT NULL, service_point_id TEXT NOT NULL, account_id TEXT NOT NULL, customer_id TEXT NOT NULL,
     date_to TEXT NOT NULL, duration INTEGER NOT NULL, PRIMARY KEY (read_key, run_seq)) WITHOUT ROWID;
   CREATE INDEX run_reads_run ON run_reads(run_seq, file_name);
   CREATE INDEX run_reads_service_point ON run_reads(service_point_id, run_seq);
   CREATE INDEX run_reads_account ON run_reads(account_id);
   CREATE INDEX run_reads_customer ON run_reads(customer_id);
   CREATE TABLE run_entities (run_seq INTEGER NOT NULL, entity_key TEXT NOT NULL, attribute_hash TEXT NOT NULL,
     PRIMARY KEY (entity_key, run_seq)) WITHOUT ROWID;`,
  // 3: chunked full historicals in progress. A run stays out of \`runs\` (so out of send, status verdicts,
  // watermarks and search) until its last chunk is done; its sequence number is reserved meanwhile.
  `CREATE TABLE chunked_runs (run_seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL, mapping_key TEXT NOT NULL,
     mapping_file TEXT NOT NULL, window_from TEXT NOT NULL, window_end TEXT NOT NULL, fingerprint TEXT NOT NULL,
     created_at TEXT NOT NULL);
   CREATE TABLE run_chunks (run_seq INTEGER NOT NULL REFERENCES chunked_runs(run_seq), chunk INTEGER NOT NULL,
     lower_json TEXT, upper_json TEXT, status TEXT NOT NULL, files_json TEXT NOT NULL DEFAULT '[]', counts_json TEXT,
     rejects_file TEXT, finished_at TEXT, PRIMARY KEY (run_seq, chunk));`,
  // 4: the file names of a run's parts. Reads keep the placeholder of the part they were recorded under
  // (`#0`, `#3.1`, …), and a part is named here once, where its run or chunk commits: rewriting every
  // read's file name took as long as recording the reads. `named_run_reads` shows reads with their file
  // names (reads recorded before version 4 carry their name themselves).
  `CREATE TABLE run_parts (run_seq INTEGER NOT NULL, part TEXT NOT NULL, file_name TEXT NOT NULL, PRIMARY KEY (run_seq, part)) WITHOUT ROWID;
   CREATE VIEW named_run_reads AS
     SELECT d.run_seq, d.read_key, d.read_hash, COALESCE(p.file_name, d.file_name) AS file_name, d.line, d.service_point_id,
       d.account_id, d.customer_id, d.date_to, d.duration
     FROM run_reads d LEFT JOIN run_parts p ON p.run_seq = d.run_seq AND p.part = d.file_name;`,
]

/**
 * The workspace state: one SQLite file written in transactions, readable by its owner only. It holds the
 * run ledger with each run's lifecycle, every file's delivery facts, what each run delivered (per read
 * key its usage hash, file and line; per service point and account its attribute hash) and the last
 * file-name timestamp (names must strictly increase across runs). Watermark, duplicate suppression and
 * the continuity baseline are read from *accepted* runs only, so `reject` rewinds by changing a status.
 */
export class StateStore {
  readonly #db: Database.Database
  readonly #path: string
  // Lookups run once per read and account of an incremental: prepared once, not per call.
  readonly #statements = new Map<string, Database.Statement>()

  private constructor(db: Database.Database, path: string) {
    this.#db = db
    this.#path = path
  }

  static open(dir: string): StateStore {
    const path = stateFilePath(dir)
    let db: Database.Database
    try {
      makeOwnerOnlyDir(dir)
      db = new Database(path)
      restrictToOwner(path)
      db.pragma('journal_mode = DELETE')
      db.pragma('synchronous = FULL')
      db.pragma(`cache_size = -${STATE_CACHE_KIB}`)
    } catch (cause) {
      throw new ToolkitError('STATE_CORRUPT', `cannot open the workspace state ${path}`, {
        cause,
        hint: 'check that the folder is writable by this user and the file is a state database',
      })
    }
    const store = new StateStore(db, path)
    store.#migrate()
    return store
  }

  #migrate(): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number
    for (let next = version; next < MIGRATIONS.length; next++) {
      this.#transaction(() => {
        this.#db.exec(MIGRATIONS[next]!)
        this.#db.pragma(`user_version = ${next + 1}`)
      })
    }
  }

  /**
   * Runs `work` in one transaction. A full disk or an unwritable state file is a clear error naming the
   * file; the transaction rolled back, so the state is as it was before.
   */
  #transaction<T>(work: () => T): T {
    try {
      return this.#db.transaction(work)()
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code)) {
        throw new ToolkitError('OUTPUT_NOT_WRITABLE', `cannot write the workspace state ${this.#path}: ${(error as Error).message}`, {
          cause: error,
          hint: 'free space on that disk or make the state folder writable for this user, then run the command again; nothing of this step was recorded',
        })
      }
      throw error
    }
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.#db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  /**
   * Drops rows of a run that crashed before it was recorded. Call only while holding the workspace lock.
   * A chunked run in progress keeps the rows of its finished chunks (only those of the chunk that was
   * being written go); rows under a negative sequence are a chunk's entities not committed yet.
   */
  discardUnrecordedRows(): void {
    const unrecorded = `run_seq > (SELECT COALESCE(MAX(seq), 0) FROM runs) AND run_seq NOT IN (SELECT run_seq FROM chunked_runs)`
    this.#transaction(() => {
      this.#db.exec(`DELETE FROM run_reads WHERE ${unrecorded};
        DELETE FROM run_parts WHERE ${unrecorded};
        DELETE FROM run_entities WHERE run_seq < 0 OR (${unrecorded});`)
      const chunked = this.#db.prepare('SELECT run_seq FROM chunked_runs').pluck().all() as number[]
      for (const seq of chunked) this.#discardUnnamedParts(seq)
    })
  }

  /**
   * Within the caller's transaction: the reads of run `seq` under a placeholder that was never named (a
   * chunk that did not commit). Steps from one placeholder to the next through the index, so a run of
   * millions of reads costs one lookup per part, not one per read.
   */
  #discardUnnamedParts(seq: number): void {
    const nextPart = this.#db
      .prepare('SELECT file_name FROM run_reads WHERE run_seq = ? AND file_name > ? AND file_name < ? ORDER BY file_name LIMIT 1')
      .pluck()
    const named = this.#db.prepare('SELECT 1 FROM run_parts WHERE run_seq = ? AND part = ?').pluck()
    const drop = this.#db.prepare('DELETE FROM run_reads WHERE run_seq = ? AND file_name = ?')
    let part = PLACEHOLDERS.from
    while ((part = nextPart.get(seq, part, PLACEHOLDERS.below) as string) !== undefined) {
      if (named.get(seq, part) === undefined) drop.run(seq, part)
    }
  }

  /**
   * How long a write waits for another connection's transaction before it fails (SQLite's default here is
   * 5 s). Chunks extracted in parallel write the one state file from several connections at once.
   */
  waitWhenBusy(milliseconds: number): void {
    this.#db.pragma(`busy_timeout = ${Math.max(0, Math.floor(milliseconds))}`)
  }

  lastFileTimestamp(): string | undefined {
    const row = this.#db.prepare(`SELECT value FROM meta WHERE key = 'last_file_timestamp'`).get() as { value: string } | undefined
    return row?.value
  }

  /** The sequence number the next recorded run gets. */
  nextRunSeq(): number {
    // A chunked run in progress has its number already (its rows carry it).
    const row = this.#db
      .prepare('SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM runs), (SELECT COALESCE(MAX(run_seq), 0) FROM chunked_runs)) AS n')
      .get() as { n: number }
    return row.n + 1
  }

  /** A new run id: the phase and a sequence number, e.g. `full-0003`. */
  nextRunId(phase: string): string {
    return `${phase}-${String(this.nextRunSeq()).padStart(4, '0')}`
  }

  /** Records a run, its files and the last file timestamp in one transaction. */
  recordRun(run: NewRun, lastFileTimestamp: string | undefined): void {
    this.#transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO runs (run_id, phase, mapping_file, created_at, window_from, window_to, status, summary, seq, mapping_key, window_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.runId,
          run.phase,
          run.mappingFile,
          run.createdAt,
          run.windowFrom,
          run.windowTo,
          run.status,
          JSON.stringify(run.summary),
          run.seq ?? this.nextRunSeq(),
          run.mappingKey ?? '',
          run.window ? JSON.stringify(run.window) : null,
        )
      const insertFile = this.#db.prepare(
        'INSERT INTO run_files (run_id, file_name, file_type, rows, bytes, sha256, valid, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      for (const file of run.files) {
        insertFile.run(run.runId, file.fileName, file.fileType, file.rows, file.bytes, file.sha256, file.valid ? 1 : 0, file.path ?? null)
      }
      this.#keepLastFileTimestamp(lastFileTimestamp)
    })
  }

  /** Stores reads a run (not yet recorded, sequence `seq`) wrote; called in batches while it writes. */
  recordDeliveredReads(seq: number, reads: readonly DeliveredRead[]): void {
    const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    const insert = this.#statement(`INSERT OR REPLACE INTO run_reads VALUES ${row}`)
    // Whole runs of 64 reads per statement: a run writes every read, one call per read showed in profiles.
    const many = 64
    const insertMany = this.#statement(`INSERT OR REPLACE INTO run_reads VALUES ${`${row}, `.repeat(many - 1)}${row}`)
    this.#transaction(() => {
      const values: unknown[] = new Array(many * 10)
      let next = 0
      for (; next + many <= reads.length; next += many) {
        for (let i = 0; i < many; i++) {
          const r = reads[next + i]!
          const at = i * 10
          values[at] = seq
          values[at + 1] = r.readKey
          values[at + 2] = r.readHash
          values[at + 3] = r.fileName
          values[at + 4] = r.line
          values[at + 5] = r.servicePointId
          values[at + 6] = r.accountId
          values[at + 7] = r.customerId
          values[at + 8] = r.dateTo
          values[at + 9] = r.duration
        }
        insertMany.run(values)
      }
      for (; next < reads.length; next++) {
        const r = reads[next]!
        insert.run(seq, r.readKey, r.readHash, r.fileName, r.line, r.servicePointId, r.accountId, r.customerId, r.dateTo, r.duration)
      }
    })
  }

  /** Stores the attribute hash of each entity (service point and account) a run wrote. */
  recordDeliveredEntities(seq: number, entities: readonly { readonly entityKey: string; readonly attributeHash: string }[]): void {
    const insert = this.#statement('INSERT OR REPLACE INTO run_entities VALUES (?, ?, ?)')
    this.#transaction(() => {
      for (const e of entities) insert.run(seq, e.entityKey, e.attributeHash)
    })
  }

  /**
   * Names the parts (`#0`, `#1`, …) of a run's recorded reads: the files written, in order. `placeholder`:
   * what precedes the part number, `#<chunk>.` for a chunk (chunks in flight at once keep apart).
   */
  nameDeliveredFiles(seq: number, fileNames: readonly string[], placeholder = '#'): void {
    const name = this.#db.prepare('INSERT OR REPLACE INTO run_parts (run_seq, part, file_name) VALUES (?, ?, ?)')
    this.#transaction(() => fileNames.forEach((fileName, part) => name.run(seq, `${placeholder}${part}`, fileName)))
  }

  /** Forgets what an unrecorded run stored (it failed). */
  discardDelivered(seq: number): void {
    this.#transaction(() => this.#forgetDelivered(seq))
  }

  /** The chunked full historical of `mappingKey` in progress (at most one), with its chunks in order. */
  unfinishedChunkedRun(mappingKey: string): ChunkedRun | undefined {
    const row = this.#db.prepare('SELECT * FROM chunked_runs WHERE mapping_key = ? ORDER BY run_seq DESC LIMIT 1').get(mappingKey) as
      | Record<string, string | number>
      | undefined
    return row ? this.#toChunkedRun(row) : undefined
  }

  /** Every chunked run in progress, oldest first (for `status`). */
  unfinishedChunkedRuns(): ChunkedRun[] {
    const rows = this.#db.prepare('SELECT * FROM chunked_runs ORDER BY run_seq').all() as Record<string, string | number>[]
    return rows.map((row) => this.#toChunkedRun(row))
  }

  /** Stores the plan of a chunked run (its chunks' bounds), reserving its sequence number. */
  planChunkedRun(plan: NewChunkedRun): void {
    this.#transaction(() => {
      this.#db
        .prepare('INSERT INTO chunked_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(plan.seq, plan.runId, plan.mappingKey, plan.mappingFile, plan.windowFrom, plan.windowEnd, plan.fingerprint, plan.createdAt)
      const insert = this.#db.prepare(`INSERT INTO run_chunks (run_seq, chunk, lower_json, upper_json, status) VALUES (?, ?, ?, ?, 'pending')`)
      plan.bounds.forEach((bounds, i) =>
        insert.run(plan.seq, i + 1, bounds.lower === undefined ? null : JSON.stringify(bounds.lower), bounds.upper === undefined ? null : JSON.stringify(bounds.upper)),
      )
    })
  }

  /**
   * Commits a finished chunk in one transaction: `nameReads` (names the parts its reads were recorded
   * under), its entities moved from their provisional sequence to the run's, its files and counts, and the
   * last file timestamp. Killed before, the chunk is run again; after, it is never read again.
   */
  commitChunk(done: FinishedChunk, nameReads: () => void, lastFileTimestamp: string | undefined): void {
    this.#transaction(() => {
      nameReads()
      this.#db.prepare('UPDATE OR REPLACE run_entities SET run_seq = ? WHERE run_seq = ?').run(done.seq, done.entitySeq)
      this.#db
        .prepare(`UPDATE run_chunks SET status = 'done', files_json = ?, counts_json = ?, rejects_file = ?, finished_at = ? WHERE run_seq = ? AND chunk = ?`)
        .run(JSON.stringify(done.files), JSON.stringify(done.counts), done.rejectsFile ?? null, done.finishedAt, done.seq, done.chunk)
      this.#keepLastFileTimestamp(lastFileTimestamp)
    })
  }

  /**
   * Forgets what a chunk that failed stored: its unnamed reads (those under its `placeholder`, e.g. `#3.`,
   * so chunks in flight beside it keep theirs) and its provisional entities.
   */
  discardUncommittedChunk(seq: number, entitySeq: number, placeholder: string): void {
    // A range, so the index is used: `#3.` up to `#3/`, the next string of that length.
    const end = `${placeholder.slice(0, -1)}${String.fromCharCode(placeholder.charCodeAt(placeholder.length - 1) + 1)}`
    this.#transaction(() => {
      this.#db.prepare('DELETE FROM run_reads WHERE run_seq = ? AND file_name >= ? AND file_name < ?').run(seq, placeholder, end)
      this.#db.prepare('DELETE FROM run_entities WHERE run_seq = ?').run(entitySeq)
    })
  }

  /** Records a chunked run whose chunks are all done, and forgets its plan, in one transaction. */
  finishChunkedRun(run: NewRun & { readonly seq: number }, lastFileTimestamp: string | undefined): void {
    this.#transaction(() => {
      this.recordRun(run, lastFileTimestamp)
      this.#forgetChunkedRun(run.seq)
    })
  }

  /** Drops a chunked run in progress: its plan, chunks and recorded rows. The caller deals with its files. */
  discardChunkedRun(seq: number): void {
    this.#transaction(() => {
      this.#forgetDelivered(seq)
      this.#forgetChunkedRun(seq)
    })
  }

  /** Within the caller's transaction: every read, part name and entity recorded under `seq`. */
  #forgetDelivered(seq: number): void {
    for (const table of ['run_reads', 'run_parts', 'run_entities']) this.#db.prepare(`DELETE FROM ${table} WHERE run_seq = ?`).run(seq)
  }

  /** Within the caller's transaction: the newest file timestamp handed out, for the next run to go past. */
  #keepLastFileTimestamp(stamp: string | undefined): void {
    if (!stamp) return
    this.#db.prepare(`INSERT INTO meta VALUES ('last_file_timestamp', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(stamp)
  }

  #forgetChunkedRun(seq: number): void {
    this.#db.prepare('DELETE FROM run_chunks WHERE run_seq = ?').run(seq)
    this.#db.prepare('DELETE FROM chunked_runs WHERE run_seq = ?').run(seq)
  }

  #toChunkedRun(row: Record<string, string | number>): ChunkedRun {
    const chunks = this.#db.prepare('SELECT * FROM run_chunks WHERE run_seq = ? ORDER BY chunk').all(row.run_seq) as Record<string, string | number | null>[]
    return {
      seq: Number(row.run_seq),
      runId: String(row.run_id),
      mappingKey: String(row.mapping_key),
      mappingFile: String(row.mapping_file),
      windowFrom: String(row.window_from),
      windowEnd: String(row.window_end),
      fingerprint: String(row.fingerprint),
      createdAt: String(row.created_at),
      chunks: chunks.map((chunk) => ({
        chunk: Number(chunk.chunk),
        lower: chunk.lower_json === null ? undefined : (JSON.parse(String(chunk.lower_json)) as ChunkBound),
        upper: chunk.upper_json === null ? undefined : (JSON.parse(String(chunk.upper_json)) as ChunkBound),
        done: chunk.status === 'done',
        files: JSON.parse(String(chunk.files_json)) as unknown[],
        counts: chunk.counts_json === null ? undefined : (JSON.parse(String(chunk.counts_json)) as unknown),
        rejectsFile: chunk.rejects_file === null ? undefined : String(chunk.rejects_file),
      })),
    }
  }

  runs(): RunRecord[] {
    const rows = this.#db.prepare('SELECT * FROM runs ORDER BY seq').all() as Record<string, string | number | null>[]
    return rows.map((row) => this.#toRun(row))
  }

  run(runId: string): RunRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as Record<string, string | number | null> | undefined
    return row ? this.#toRun(row) : undefined
  }

  /** The files of a run in load order (file name order). */
  runFiles(runId: string): RunFileState[] {
    const rows = this.#db.prepare('SELECT * FROM run_files WHERE run_id = ? ORDER BY file_name').all(runId) as Record<string, string | number | null>[]
    return rows.map(toFile)
  }

  fileByName(fileName: string): RunFileState | undefined {
    const row = this.#db.prepare('SELECT * FROM run_files WHERE file_name = ?').get(fileName) as Record<string, string | number | null> | undefined
    return row ? toFile(row) : undefined
  }

  /** Files not delivered yet, of runs still generated or sent, oldest first (check `valid`: never send an invalid file). */
  pendingFiles(): RunFileState[] {
    const rows = this.#db
      .prepare(
        `SELECT f.* FROM run_files f JOIN runs r ON r.run_id = f.run_id
         WHERE f.sent_at IS NULL AND r.status IN ('generated', 'sent') ORDER BY f.file_name`,
      )
      .all() as Record<string, string | number | null>[]
    return rows.map(toFile)
  }

  /** Records the delivery of one file; when every file of its run is delivered the run becomes `sent`. */
  markFileSent(fileName: string, sent: { readonly remotePath: string; readonly sentAt: string; readonly manual: boolean }): RunRecord {
    return this.#transaction(() => {
      const file = this.fileByName(fileName)
      if (!file) {
        throw new ToolkitError('STATE_RUN_NOT_FOUND', `no run of this workspace wrote ${fileName}`, {
          hint: '`opower-extract status` lists the runs and their files',
        })
      }
      const run = this.#require(file.runId)
      if (run.status === 'rejected') {
        throw new ToolkitError('STATE_RUN_CLOSED', `${fileName} belongs to run ${run.runId}, which was rejected`, {
          hint: 'a rejected run is never delivered; extract the window again',
        })
      }
      if (file.sentAt === undefined) {
        this.#db
          .prepare('UPDATE run_files SET sent_at = ?, remote_path = ?, sent_manually = ? WHERE file_name = ?')
          .run(sent.sentAt, sent.remotePath, sent.manual ? 1 : 0, fileName)
      }
      const unsent = this.runFiles(run.runId).filter((f) => f.sentAt === undefined).length
      if (unsent === 0 && run.status === 'generated') this.#db.prepare(`UPDATE runs SET status = 'sent' WHERE run_id = ?`).run(run.runId)
      return this.#require(run.runId)
    })
  }

  /** `sent → accepted`: the run's window, reads and entities become the baseline of the next incremental. */
  acceptRun(runId: string, at: string, by: 'delivery' | 'manual' = 'manual'): RunRecord {
    return this.#transaction(() => {
      const run = this.#require(runId)
      if (run.status === 'accepted') return run
      if (run.status === 'rejected') {
        throw new ToolkitError('STATE_RUN_CLOSED', `run ${runId} was rejected on ${run.verdictAt}; it cannot be accepted`, {
          hint: 'extract the window again and accept the new run',
        })
      }
      const unsent = run.files.filter((file) => file.sentAt === undefined)
      if (unsent.length > 0) {
        throw new ToolkitError('STATE_RUN_NOT_SENT', `run ${runId} has ${unsent.length} file(s) not delivered: ${unsent.map((f) => f.fileName).join(', ')}`, {
          hint: 'send them first (`opower-extract send`), or record a delivery made by other means with `send --manual FILE`',
        })
      }
      this.#db.prepare(`UPDATE runs SET status = 'accepted', verdict_at = ?, verdict_by = ? WHERE run_id = ?`).run(at, by, runId)
      return this.#require(runId)
    })
  }

  /**
   * `→ rejected`: the run no longer counts, so the next incremental regenerates its window. An accepted
   * run can be rejected only while no later run of its mapping is accepted (that one was built on it).
   */
  rejectRun(runId: string, at: string): RunRecord {
    return this.#transaction(() => {
      const run = this.#require(runId)
      if (run.status === 'rejected') return run
      if (run.status === 'accepted') {
        const later = this.#db
          .prepare(`SELECT run_id FROM runs WHERE status = 'accepted' AND mapping_key = ? AND seq > ? AND phase <> 'sample' ORDER BY seq`)
          .all(run.mappingKey, run.seq) as { run_id: string }[]
        if (run.phase !== 'sample' && later.length > 0) {
          throw new ToolkitError('STATE_RUN_CLOSED', `run ${runId} cannot be rejected: later accepted runs build on it (${later.map((r) => r.run_id).join(', ')})`, {
            hint: 'reject the later runs first, newest first',
          })
        }
      }
      this.#db.prepare(`UPDATE runs SET status = 'rejected', verdict_at = ?, verdict_by = 'manual' WHERE run_id = ?`).run(at, runId)
      return this.#require(runId)
    })
  }

  /** The accepted runs an incremental of `mappingKey` continues from (before sequence `before`), or undefined before any accepted full historical. */
  baseline(mappingKey: string, before = Number.MAX_SAFE_INTEGER): Baseline | undefined {
    const pick = (phaseCondition: string) =>
      this.#db
        .prepare(`SELECT * FROM runs WHERE status = 'accepted' AND mapping_key = ? AND seq < ? AND ${phaseCondition} ORDER BY seq DESC LIMIT 1`)
        .get(mappingKey, before) as Record<string, string | number | null> | undefined
    const historical = pick(`phase = 'full'`)
    if (!historical) return undefined
    // A --keys backfill moves no watermark: it has no window of its own.
    const last = pick(`phase IN ('full', 'incremental') AND (window_json IS NULL OR json_extract(window_json, '$.keys') IS NULL)`)!
    return { historical: this.#toRun(historical), last: this.#toRun(last) }
  }

  /** The usage hash of a read as last accepted before sequence `before`. */
  acceptedReadHash(mappingKey: string, readKey: string, before: number): string | undefined {
    const row = this
      .#statement(
        `SELECT d.read_hash FROM run_reads d JOIN runs r ON r.seq = d.run_seq
         WHERE d.read_key = ? AND d.run_seq < ? AND r.status = 'accepted' AND r.phase <> 'sample' AND r.mapping_key = ?
         ORDER BY d.run_seq DESC LIMIT 1`,
      )
      .get(readKey, before, mappingKey) as { read_hash: string } | undefined
    return row?.read_hash
  }

  /** The attribute hash of an entity (service point and account) as last accepted before sequence `before`. */
  acceptedEntityHash(mappingKey: string, entityKey: string, before: number): string | undefined {
    const row = this
      .#statement(
        `SELECT e.attribute_hash FROM run_entities e JOIN runs r ON r.seq = e.run_seq
         WHERE e.entity_key = ? AND e.run_seq < ? AND r.status = 'accepted' AND r.phase <> 'sample' AND r.mapping_key = ?
         ORDER BY e.run_seq DESC LIMIT 1`,
      )
      .get(entityKey, before, mappingKey) as { attribute_hash: string } | undefined
    return row?.attribute_hash
  }

  /** The distinct periods accepted for a service point before sequence `before`, oldest first. */
  acceptedPeriods(mappingKey: string, servicePointId: string, before: number): AcceptedPeriod[] {
    const rows = this
      .#statement(
        `SELECT d.date_to, d.duration, d.account_id FROM run_reads d JOIN runs r ON r.seq = d.run_seq
         WHERE d.service_point_id = ? AND d.run_seq < ? AND r.status = 'accepted' AND r.phase <> 'sample' AND r.mapping_key = ?
         GROUP BY d.date_to, d.duration ORDER BY d.date_to, d.duration`,
      )
      .all(servicePointId, before, mappingKey) as { date_to: string; duration: number; account_id: string }[]
    return rows.map((row) => ({ dateTo: row.date_to, duration: Number(row.duration), accountId: row.account_id }))
  }

  #require(runId: string): RunRecord {
    const run = this.run(runId)
    if (!run) {
      throw new ToolkitError('STATE_RUN_NOT_FOUND', `there is no run ${runId} in this workspace`, {
        hint: '`opower-extract status --mapping FILE` lists the runs',
      })
    }
    return run
  }

  #toRun(row: Record<string, string | number | null>): RunRecord {
    const runId = String(row.run_id)
    return {
      runId,
      seq: Number(row.seq),
      phase: String(row.phase),
      mappingFile: String(row.mapping_file),
      mappingKey: String(row.mapping_key ?? ''),
      createdAt: String(row.created_at),
      windowFrom: String(row.window_from),
      windowTo: String(row.window_to),
      window: row.window_json ? (JSON.parse(String(row.window_json)) as RunWindow) : undefined,
      status: String(row.status) as RunStatus,
      verdictAt: row.verdict_at === null || row.verdict_at === undefined ? undefined : String(row.verdict_at),
      verdictBy: row.verdict_by === null || row.verdict_by === undefined ? undefined : String(row.verdict_by),
      summary: JSON.parse(String(row.summary)) as unknown,
      files: this.runFiles(runId),
    }
  }

  close(): void {
    this.#db.close()
  }
}

function toFile(file: Record<string, string | number | null>): RunFileState {
  return {
    runId: String(file.run_id),
    fileName: String(file.file_name),
    fileType: String(file.file_type),
    rows: Number(file.rows),
    bytes: Number(file.bytes),
    sha256: String(file.sha256),
    valid: file.valid === 1,
    path: file.path === null ? undefined : String(file.path),
    sentAt: file.sent_at === null ? undefined : String(file.sent_at),
    remotePath: file.remote_path === null ? undefined : String(file.remote_path),
    sentManually: file.sent_manually === 1,
  }
}
