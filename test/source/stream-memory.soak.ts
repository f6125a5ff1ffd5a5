import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { loadMapping } from '../../src/config/load-mapping.js'
import { fileSpecsOf } from '../../src/spec/file-layout.js'
import { createSource } from '../../src/source/create-source.js'
import { inBatches } from '../../src/platform/row-batches.js'
import { writeSpecFile } from '../../src/writer/write-spec-file.js'
import { retarget } from './extract-from.js'
import { MARIADB, POSTGRES, skippedTargets, TARGETS, type ScratchDatabase, type TargetName } from './scratch-database.js'

// 2 million rows from each live database through the source layer and the file writer, each database in a
// process of its own; peak RSS up to row 1M and from 1M to 2M must be about the same (memory must not grow
// with the row count), and the heap stays small (DRIVER-NOTES R1).

const ROWS = 2_000_000
const SELF = fileURLToPath(import.meta.url)
const PROJECT = fileURLToPath(new URL('../../../', import.meta.url))

const SERIES_SQL: Record<TargetName, string> = {
  sqlite: `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${ROWS})
    SELECT i, 'SP' || i, strftime('%Y%m%d', '2024-01-01', '+' || (i % 365) || ' days'), printf('%.40c', 'x'), printf('%.3f', i * 1.5) FROM s`,
  postgres: `SELECT i, 'SP' || i, to_char(date '2024-01-01' + (i % 365), 'YYYYMMDD'), repeat('x', 40), CAST(CAST(i * 1.5 AS numeric(18,3)) AS text)
    FROM generate_series(1, ${ROWS}) AS s(i)`,
  mariadb: `SELECT seq, CONCAT('SP', seq), DATE_FORMAT(DATE '2024-01-01' + INTERVAL (seq % 365) DAY, '%Y%m%d'), REPEAT('x', 40), CAST(seq * 1.5 AS DECIMAL(18,3))
    FROM seq_1_to_${ROWS}`,
}

interface MemoryFigures {
  readonly rows: number
  readonly seconds: number
  readonly peakRssTo1M: number
  readonly peakRss1MTo2M: number
  readonly peakHeap: number
}

const MB = 1024 * 1024

/** Child process: streams the series into a gzip spec file and prints the figures as JSON. */
async function measure(target: TargetName): Promise<MemoryFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'opx-mem-'))
  try {
    const filename = join(dir, 'empty.sqlite')
    new Database(filename).close()
    const connection = target === 'sqlite' ? { filename } : target === 'postgres' ? { ...POSTGRES } : { ...MARIADB }
    const database = { target, dialect: target === 'mariadb' ? 'mysql' : target, connection } as unknown as ScratchDatabase
    const mapping = retarget(loadMapping(join(PROJECT, 'mappings/demo-sqlite.yaml')).mapping, database, dir, 60)
    const spec = fileSpecsOf('single', { servicePointIdInFull: 'once', templateHeaders: {} })[0]!
    const source = createSource(mapping, { env: {} })
    const started = Date.now()
    let rows = 0
    let peakRssTo1M = 0
    let peakRss1MTo2M = 0
    let peakHeap = 0
    const sample = () => {
      const { rss, heapUsed } = process.memoryUsage()
      if (rows <= 1_000_000) peakRssTo1M = Math.max(peakRssTo1M, rss)
      else peakRss1MTo2M = Math.max(peakRss1MTo2M, rss)
      peakHeap = Math.max(peakHeap, heapUsed)
    }
    async function* records(): AsyncIterable<string[]> {
      for await (const row of source.stream(SERIES_SQL[target], [])) {
        rows += 1
        if (rows % 25_000 === 0) sample()
        yield spec.columns.map((_, i) => row[i % row.length] ?? '')
      }
    }
    try {
      await writeSpecFile(inBatches(records()), { spec, dir, fileName: `opwr_mem_res_v1-19-0_full_20260101000000.gz`, compression: 'gz', level: 1 })
    } finally {
      await source.close()
    }
    sample()
    return { rows, seconds: (Date.now() - started) / 1000, peakRssTo1M, peakRss1MTo2M, peakHeap }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const child = process.env['OPOWER_MEMORY_CHILD'] as TargetName | undefined
if (child) {
  process.stdout.write(`${JSON.stringify(await measure(child))}\n`)
} else {
  const skipped = skippedTargets()
  describe('streaming 2 million rows through the writer keeps memory flat', () => {
    for (const target of TARGETS) {
      it(`${target}: peak RSS from 1M to 2M rows is no higher than up to 1M; heap under 100 MB`, { skip: skipped.has(target) ? 'OPOWER_TEST_SKIP_DATABASES' : false }, () => {
        // A capped heap: rows kept by mistake would crash the child long before 2M; garbage V8 merely
        // postpones collecting would not, and does not make the figures look like growth.
        const result = spawnSync(process.execPath, ['--max-old-space-size=96', SELF], { encoding: 'utf8', env: { ...process.env, OPOWER_MEMORY_CHILD: target }, timeout: 540_000 })
        assert.equal(result.status, 0, result.stderr)
        const figures = JSON.parse(result.stdout.trim().split('\n').pop()!) as MemoryFigures
        const line = `${target}: ${figures.rows} rows in ${figures.seconds.toFixed(1)} s; peak RSS ${(figures.peakRssTo1M / MB).toFixed(1)} MB at 1M, ${(figures.peakRss1MTo2M / MB).toFixed(1)} MB at 2M; peak heap ${(figures.peakHeap / MB).toFixed(1)} MB`
        console.log(line)
        assert.equal(figures.rows, ROWS)
        assert.ok(figures.peakRss1MTo2M <= figures.peakRssTo1M + 24 * MB, line)
        assert.ok(figures.peakHeap < 100 * MB, line)
      })
    }
  })
}
