import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import type { Finding } from '../../src/check/check-finding.js'
import { runMappingCheck, type MappingCheckReport } from '../../src/check/run-mapping-check.js'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const DEMO = readFileSync(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'opx-check-'))
const database = join(dir, 'billing.sqlite')
let files = 0
after(() => rmSync(dir, { recursive: true, force: true }))

function mapping(edit: (text: string) => string = (text) => text): string {
  const path = join(dir, `mapping-${++files}.yaml`)
  writeFileSync(path, edit(DEMO.replace('../demo/billing.sqlite', database).replaceAll('../demo/', './')))
  return path
}

function check(path: string, options: { preview?: number; now?: () => Date } = {}): Promise<MappingCheckReport> {
  return runMappingCheck({ mappingFile: path, env: {}, preview: options.preview ?? 0, endDate: '2026-10-15', ...(options.now ? { now: options.now } : {}) })
}

function only(report: MappingCheckReport, topic: string): Finding[] {
  return report.findings.filter((f) => f.topic === topic)
}

describe('check: findings of a mapping against its database', () => {
  before(() => {
    createDemoDatabase(database, { customers: 150, seed: 9 })
  })

  it('passes the demo mapping, previews mapped reads and prints the SQL of each phase with its bindings', async () => {
    const report = await check(mapping(), { preview: 2 })
    assert.deepEqual(report.findings.filter((f) => f.severity === 'error'), [])
    assert.equal(report.preview.filter((line) => line.startsWith('read ')).length, 2, report.preview.join('\n'))
    assert.ok(report.preview.some((line) => /^ {2}is_estimate +[AE]$/.test(line)), report.preview.join('\n'))
    assert.ok(report.preview.some((line) => /^ {2}usage_value +\d+(\.\d+)?$/.test(line)), report.preview.join('\n'))
    const sql = report.phaseSql.join('\n')
    assert.match(sql, /== full historical: reads with date_to in \[2025-01-01, 2026-10-15\]/)
    assert.match(sql, /-- bindings: \["2025-01-01","2026-10-16"\]/)
    assert.match(sql, /== sample historical/)
    assert.doesNotMatch(sql, /'2025-01-01'/, 'dates are bound, never spliced')
    const fullReads = sql.slice(sql.indexOf('-- the reads, one row per usage quantity'), sql.indexOf('== sample historical'))
    assert.match(fullReads, /in spec order by the database/)
    assert.match(fullReads, /\nORDER BY .*COLLATE BINARY, .*COLLATE BINARY;\n/, 'the full historical shows the ORDER BY it sends')
    const topics = new Set(report.findings.map((f) => `${f.severity} ${f.topic}`))
    for (const expected of ['ok clock', 'ok time zone', 'ok index', 'ok folders', 'ok values', 'ok keys', 'ok changes', 'info driver', 'info delivery']) assert.ok(topics.has(expected), expected)
  })

  it('shows the full historical read without ORDER BY when source.sort is disk', async () => {
    const sql = (await check(mapping((t) => t.replace('  dialect: sqlite\n', '  dialect: sqlite\n  sort: disk\n')))).phaseSql.join('\n')
    const fullReads = sql.slice(sql.indexOf('-- the reads, one row per usage quantity'), sql.indexOf('== sample historical'))
    assert.match(fullReads, /sorted on disk by the extract/)
    assert.doesNotMatch(fullReads, /ORDER BY/)
  })

  it('warns about a last-update column without an index, at its line', async () => {
    const path = mapping((t) => t.replace('reads: { timestamp: bs.stat_chg_dttm }', 'reads: { timestamp: bs.cre_dttm }'))
    const [index] = only(await check(path), 'index')
    assert.equal(index?.severity, 'warning')
    const line = readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes('bs.cre_dttm')) + 1
    assert.equal(index?.message, `${path}:${line} change_detection.reads.timestamp: no index of ci_bseg starts with cre_dttm: every incremental scans the whole table`)
  })

  it("compares the database clock with the host's, apart from the zone offset", async () => {
    const path = mapping()
    const behind = await check(path, { now: () => new Date(Date.now() - 5 * 60_000) })
    const [clock] = only(behind, 'clock')
    assert.equal(clock?.severity, 'warning')
    assert.match(clock?.message ?? '', /runs 3\d\d\.\d s ahead of this host's clock/)
    const shifted = await check(path, { now: () => new Date(Date.now() + 3_600_000) })
    assert.equal(only(shifted, 'clock')[0]?.severity, 'ok')
    const [zone] = only(shifted, 'time zone')
    assert.equal(zone?.severity, 'warning')
    assert.match(zone?.message ?? '', /the database clock runs on UTC-01:00: neither UTC nor the utility's zone America\/Chicago \(UTC-0[56]:00 now\)/)
  })

  it('finds a join that fans out in the preview', async () => {
    const db = new Database(database, { readonly: true })
    const account = db.prepare(`SELECT ap.acct_id FROM ci_acct_per ap JOIN ci_sa sa ON sa.acct_id = ap.acct_id JOIN ci_bseg bs ON bs.sa_id = sa.sa_id
        WHERE bs.end_dt BETWEEN '2025-01-01' AND '2026-10-15' GROUP BY ap.acct_id HAVING COUNT(DISTINCT ap.per_id) > 1 LIMIT 1`).pluck().get() as string
    db.close()
    assert.ok(account, 'the demo database has an account with two persons')
    const path = mapping((t) => t.replace(`on: "ap.acct_id = acct.acct_id AND ap.main_cust_sw = 'Y'"`, 'on: ap.acct_id = acct.acct_id').replace(`where: "bs.bseg_stat_flg = '50'"`, `where: "bs.bseg_stat_flg = '50' AND acct.acct_id = '${account}'"`))
    const errors = only(await check(path, { preview: 3 }), 'preview').filter((f) => f.severity === 'error')
    assert.equal(errors.length, 1)
    assert.match(errors[0]!.message, /^rows of one read disagree, a join fans out: read \S+: /)
    assert.match(errors[0]!.hint ?? '', /tighten its ON condition/)
  })

  it('reports a column the database does not have as a finding with the SQL, not a crash', async () => {
    const path = mapping((t) => t.replace('service_city: { sql: prem.city }', 'service_city: { sql: prem.town }'))
    const [source] = only(await check(path), 'source')
    assert.equal(source?.severity, 'error')
    assert.match(source?.message ?? '', /prem\.town/)
  })

  it('reports an output folder that cannot be created', async () => {
    writeFileSync(join(dir, 'a-file'), '')
    const path = mapping((t) => t.replace('folder: ./out', `folder: ${join(dir, 'a-file', 'out')}`))
    const folders = only(await check(path), 'folders')
    assert.equal(folders[0]?.severity, 'error')
    assert.match(folders[0]?.message ?? '', /output\.folder: the output folder .*a-file is a file, not a folder/)
  })

  it('exits 78 with MAPPING_CHECK_FAILED when a finding is an error, 0 otherwise (spawned)', () => {
    const bad = mapping((t) => t.replace('map: { Y: E, N: A }', 'map: { Y: E }'))
    const failed = spawnSync(process.execPath, [BIN, 'check', '--mapping', bad, '--no-sql'], { encoding: 'utf8' })
    assert.equal(failed.status, 78, failed.stderr)
    assert.match(failed.stdout, /^error +values +.*columns\.is_estimate\.map: source values missing from the map/m)
    assert.match(failed.stdout, /^ +→ add them to columns\.is_estimate\.map/m)
    assert.doesNotMatch(failed.stdout, /== SQL per phase/)
    assert.match(failed.stderr, /MAPPING_CHECK_FAILED: .*: 1 error in the findings above/)
    const good = spawnSync(process.execPath, [BIN, 'check', '--mapping', mapping(), '--preview', '0'], { encoding: 'utf8' })
    assert.equal(good.status, 0, good.stderr)
    assert.match(good.stdout, /\n0 errors, 0 warnings\n$/)
  })
})
