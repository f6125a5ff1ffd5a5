import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DemoWorkspace, filesIn, runCli, specRows, unclearOutput, type CliResult, type MappingWorkspace } from './cli-workspace.js'

// Poisoned source values: a copy of the demo database gets, on one read (or its premise, account) each,
// a value that breaks naive extract code. One spawned extract reads them all (max_rejects raised so that
// every case is visible); each case then checks its own read: written correctly, or rejected with its key
// and a reason. Never a shifted column, a broken file, a stack trace.

interface Target {
  readonly bsegId: string
  readonly saId: string
  readonly spId: string
  readonly premId: string
  readonly endDt: string
}

type Row = Record<string, string>

interface PoisonCase {
  readonly name: string
  /** SQL run against the copy; `?` are bound to the values of `bind(target)`. */
  readonly poison: string
  readonly bind: (target: Target) => unknown[]
  /** Checks the outcome of this case's read. */
  readonly expect: (outcome: { rows: Row[]; read: Row | undefined; rejected: string | undefined; target: Target }) => void
}

const written = (check: (read: Row) => void) => (outcome: { read: Row | undefined; rejected: string | undefined }) => {
  assert.equal(outcome.rejected, undefined, `the read is written, not rejected (${outcome.rejected})`)
  assert.ok(outcome.read, 'the read is in the file')
  check(outcome.read)
}
const rejected = (reason: RegExp) => (outcome: { read: Row | undefined; rejected: string | undefined }) => {
  assert.equal(outcome.read, undefined, 'the read is not in the file')
  assert.ok(outcome.rejected, 'the read is in the rejects file')
  assert.match(outcome.rejected, reason)
}
const premise = (column: string) => `UPDATE ci_prem SET ${column} = ? WHERE prem_id = ?`
const segment = (column: string) => `UPDATE ci_bseg SET ${column} = ? WHERE bseg_id = ?`
const quantity = `UPDATE ci_bseg_sq SET bill_sq = ? WHERE bseg_id = ?`

const CASES: readonly PoisonCase[] = [
  { name: 'a TAB inside the street name is cleaned to a space', poison: premise('address1'), bind: (t) => ['Elm\tStreet', t.premId], expect: written((r) => assert.equal(r['service_street_name'], 'Elm Street')) },
  { name: 'a line feed inside the city is cleaned to a space', poison: premise('city'), bind: (t) => ['Spring\nfield', t.premId], expect: written((r) => assert.equal(r['service_city'], 'Spring field')) },
  { name: 'CR LF inside the unit is cleaned, nothing shifts', poison: premise('address2'), bind: (t) => ['Apt\r\n4', t.premId], expect: written((r) => assert.match(r['service_unit']!, /^Apt ?\s?4$/)) },
  { name: 'a NUL inside the mailing address is removed', poison: premise('mail_addr'), bind: (t) => ['PO Box\u0000 12', t.premId], expect: written((r) => assert.equal(r['mail_address_line_1'], 'PO Box 12')) },
  { name: 'invalid UTF-8 bytes in the city never reach the file as invalid UTF-8', poison: 'UPDATE ci_prem SET city = CAST(? AS TEXT) WHERE prem_id = ?', bind: (t) => [Buffer.from([0x4d, 0xc3, 0xbc, 0x6e, 0xff, 0x63, 0x68]), t.premId], expect: ({ read, rejected: reason }) => {
    if (read) assert.ok(read['service_city']!.startsWith('Mün'), read['service_city'])
    else assert.match(reason ?? '', /service_city|UTF-8/)
  } },
  { name: "quotes, an apostrophe, a pipe and a backslash are written as is", poison: premise('address1'), bind: (t) => [`O'Brien "Big" | Rd \\ 5`, t.premId], expect: written((r) => assert.equal(r['service_street_name'], `O'Brien "Big" | Rd \\ 5`)) },
  { name: 'accents and an emoji are written as UTF-8', poison: premise('city'), bind: (t) => ['Zürich 🏠', t.premId], expect: written((r) => assert.equal(r['service_city'], 'Zürich 🏠')) },
  { name: 'a 10,000-character street name is written whole', poison: premise('address1'), bind: (t) => ['Long'.repeat(2500), t.premId], expect: written((r) => assert.equal(r['service_street_name'], 'Long'.repeat(2500))) },
  { name: 'a huge usage quantity is written with every digit, or rejected', poison: quantity, bind: (t) => ['123456789012345678901234567.25', t.bsegId], expect: ({ read, rejected: reason }) => {
    if (read) assert.equal(read['usage_value'], '123456789012345678901234567.25')
    else assert.match(reason ?? '', /usage/)
  } },
  { name: 'a negative usage quantity (net metering: delivered) is never written as a negative usage', poison: quantity, bind: (t) => ['-120', t.bsegId], expect: ({ read, rejected: reason }) => {
    if (read) assert.ok(!read['usage_value']!.startsWith('-'), read['usage_value'])
    else assert.match(reason ?? '', /usage|negative/)
  } },
  { name: 'a usage quantity that is not a number is rejected', poison: quantity, bind: (t) => ['12O.5', t.bsegId], expect: rejected(/usage|number|12O\.5/) },
  { name: 'a read start date before 1900 is rejected or flagged, never written as a negative duration', poison: segment('start_dt'), bind: (t) => ['1899-12-31', t.bsegId], expect: ({ read, rejected: reason }) => {
    if (read) assert.match(read['duration']!, /^\d+$/)
    else assert.match(reason ?? '', /duration|start/)
  } },
  { name: 'an account active date before 1900 is written as its yyyymmdd', poison: 'UPDATE ci_sa SET start_dt = ? WHERE sa_id = ?', bind: (t) => ['1850-06-01', t.saId], expect: written((r) => assert.equal(r['active_date'], '18500601')) },
  { name: 'an estimate flag missing from the value map is rejected, naming the column', poison: segment('est_sw'), bind: (t) => ['X', t.bsegId], expect: rejected(/is_estimate/) },
  { name: 'a read date that is not a calendar date (30 February) is rejected', poison: segment('end_dt'), bind: (t) => ['2025-02-30', t.bsegId], expect: ({ rows, rejected: reason, target }) => {
    const ofServicePoint = rows.filter((row) => row['service_point_id'] === target.spId)
    assert.ok(ofServicePoint.length > 0, 'the other reads of the service point are written')
    assert.ok(!ofServicePoint.some((row) => row['date_to'] === '20250230' || !/^\d{8}$/.test(row['date_to']!)), 'no row with an impossible or empty date')
    if (reason !== undefined) assert.match(reason, /date/)
  } },
]

describe(`poisoned source values: ${CASES.length} cases, one spawned extract over a poisoned copy of the demo database`, () => {
  let workspace: DemoWorkspace
  let ws: MappingWorkspace
  let run: CliResult
  const targets = new Map<string, Target>()
  let rows: Row[] = []
  let rejectLines: string[] = []

  before(async () => {
    workspace = new DemoWorkspace(40)
    const database = workspace.copyDatabase('poisoned.sqlite')
    const db = new Database(database)
    try {
      // One read per case, each on a premise of its own: a frozen March 2025 segment with one kWh quantity.
      const candidates = db
        .prepare(
          `SELECT bs.bseg_id AS bsegId, bs.sa_id AS saId, sp.sp_id AS spId, sp.prem_id AS premId, bs.end_dt AS endDt
             FROM ci_bseg bs JOIN ci_sa_sp sasp ON sasp.sa_id = bs.sa_id JOIN ci_sp sp ON sp.sp_id = sasp.sp_id
            WHERE bs.bseg_stat_flg = '50' AND bs.end_dt BETWEEN '2025-03-01' AND '2025-03-31'
              AND (SELECT COUNT(*) FROM ci_bseg_sq sq WHERE sq.bseg_id = bs.bseg_id) = 1
              AND (SELECT COUNT(*) FROM ci_sa_sp x JOIN ci_sp y ON y.sp_id = x.sp_id WHERE y.prem_id = sp.prem_id) = 1
            ORDER BY bs.bseg_id`,
        )
        .all() as Target[]
      assert.ok(candidates.length >= CASES.length, `${candidates.length} single-service-point premises with a March read`)
      CASES.forEach((testCase, i) => {
        const target = candidates[i]!
        targets.set(testCase.name, target)
        db.prepare(testCase.poison).run(...testCase.bind(target))
      })
    } finally {
      db.close()
    }
    ws = workspace.mapping((text) => text.replace('layout: single', 'layout: single\nmax_rejects: 1000'), database)
    run = await runCli(['extract', '--mapping', ws.file, '--phase', 'full', '--end-date', '2026-10-15'], { cwd: ws.folder })
    const file = filesIn(ws.out).find((name) => name.startsWith('opwr_'))
    if (file) rows = specRows(join(ws.out, file))
    const rejects = filesIn(ws.out).find((name) => name.endsWith('.rejects.tsv'))
    if (rejects) rejectLines = readFileSync(join(ws.out, rejects), 'utf8').split('\n').filter(Boolean)
  })
  after(() => workspace.dispose())

  it('the extract ends cleanly: exit 0, or 65 naming the rule a poisoned row breaks; one complete file', () => {
    const shown = `exit ${run.code}\n${run.stdout}\n${run.stderr}`
    assert.ok(run.code === 0 || run.code === 65, shown)
    assert.equal(unclearOutput(run), undefined, shown)
    assert.ok(rows.length > 100, `the file has its rows\n${shown}`)
    const width = Object.keys(rows[0]!).length
    for (const row of rows) assert.equal(Object.keys(row).length, width, 'no row has a shifted column')
  })

  for (const testCase of CASES) {
    it(testCase.name, () => {
      const target = targets.get(testCase.name)!
      const read = rows.find((row) => row['service_point_id'] === target.spId && row['date_to'] === target.endDt.replaceAll('-', ''))
      const reason = rejectLines.find((line) => line.includes(target.bsegId))
      testCase.expect({ rows, read, rejected: reason, target })
    })
  }
})
