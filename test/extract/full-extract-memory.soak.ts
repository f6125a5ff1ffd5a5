import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { parseDocument } from 'yaml'
import { BENCH_HISTORY, benchRows, customersFor } from '../../bench/bench-data.js'
import { timedRun } from '../../bench/timed-run.js'
import { DEMO_SCHEMA } from '../../src/demo/demo-schema.js'
import { writeSqliteDatabase } from '../../src/demo/write-sqlite-database.js'

// A whole `extract --phase full` (database order, mapping, ledger, gzip file, self-validation) at 250,000 and
// at 1,000,000 reads: the peak resident set must not grow with the number of reads. The target is 200 MB
// (measured 195.6 and 197.0 MB, in another run 188.0 and 201.3 MB); the absolute bound leaves room for the collector's pace, so this fails on
// growth, not on noise. Each run is its own process, measured by the kernel (VmHWM through /usr/bin/time).

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const DEMO_MAPPING = fileURLToPath(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url))
const SIZES = [250_000, 1_000_000] as const
const MOST_PEAK_RSS_MB = 225
/** What the larger run may exceed the smaller one's peak by: noise of the collector's pace, not growth. */
const MOST_GROWTH = 1.15

describe('memory of a full historical extract does not grow with its reads', () => {
  const work = mkdtempSync(join(tmpdir(), 'opx-extract-mem-'))
  after(() => rmSync(work, { recursive: true, force: true }))

  it(`peak RSS at ${SIZES.join(' and ')} reads`, { timeout: 40 * 60_000 }, () => {
    const peaks: number[] = []
    for (const reads of SIZES) {
      const dir = join(work, String(reads))
      const filename = join(dir, 'billing.sqlite')
      mkdirSync(dir)
      writeSqliteDatabase(filename, DEMO_SCHEMA, benchRows(customersFor(reads)))
      const mapping = parseDocument(readFileSync(DEMO_MAPPING, 'utf8'))
      mapping.set('source', { dialect: 'sqlite', connection: { filename } })
      mapping.setIn(['output', 'folder'], join(dir, 'out'))
      mapping.setIn(['output', 'state'], join(dir, 'state'))
      const mappingFile = join(dir, 'mapping.yaml')
      writeFileSync(mappingFile, mapping.toString())
      const summaryFile = join(dir, 'summary.json')
      const run = timedRun(
        [process.execPath, BIN, 'extract', '--mapping', mappingFile, '--phase', 'full', '--from', BENCH_HISTORY.from, '--end-date', BENCH_HISTORY.end, '--summary', summaryFile],
        dir,
        { ...process.env, TMPDIR: dir },
      )
      const written = (JSON.parse(readFileSync(summaryFile, 'utf8')) as { counts: { written: number } }).counts.written
      assert.ok(written > reads * 0.9, `${written} reads written, ${reads} wanted`)
      console.log(`${written} reads: ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(1)} MB`)
      peaks.push(run.peakRssMb)
      rmSync(dir, { recursive: true, force: true })
    }
    const [small, large] = peaks as [number, number]
    assert.ok(large <= small * MOST_GROWTH, `peak RSS grew from ${small.toFixed(1)} MB to ${large.toFixed(1)} MB with 4 × the reads`)
    assert.ok(large <= MOST_PEAK_RSS_MB, `peak RSS ${large.toFixed(1)} MB is above ${MOST_PEAK_RSS_MB} MB`)
  })
})
