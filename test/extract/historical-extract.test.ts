import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Decimal } from 'decimal.js'
import { loadMapping } from '../../src/config/load-mapping.js'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { describeDryRun } from '../../src/extract/dry-run.js'
import { historicalWindow } from '../../src/extract/extract-window.js'
import { createSource } from '../../src/source/create-source.js'
import { retarget } from '../source/extract-from.js'
import { demoOnPostgres } from './chunked-historical-fixture.js'
import { DemoExtractFixture } from './demo-extract-fixture.js'
import { contentOf, readRows } from './run-extract.js'

let demo: DemoExtractFixture
before(() => {
  demo = new DemoExtractFixture()
})
after(() => demo.dispose())

const compact = (date: string) => date.replaceAll('-', '')

describe('full historical extract of the demo database', () => {
  it('takes reads with date_to exactly in [from, end-date], both edges included', async () => {
    const [first, last] = demo.sql<{ end_dt: string }>(
      `SELECT end_dt FROM ci_bseg WHERE bseg_stat_flg = '50' AND end_dt BETWEEN '2025-03-01' AND '2025-09-30' GROUP BY end_dt ORDER BY COUNT(*) DESC LIMIT 2`,
    ).map((row) => row.end_dt).sort()
    const result = await demo.extract({ from: first!, endDate: last! })
    const rows = readRows(result.files[0]!.path)
    const dates = rows.map((row) => row.date_to!).sort()
    assert.equal(dates[0], compact(first!))
    assert.equal(dates.at(-1), compact(last!))
    const [expected] = demo.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ci_bseg WHERE bseg_stat_flg = '50' AND end_dt >= ? AND end_dt <= ?`, first, last)
    assert.equal(rows.length, expected!.n)
    assert.equal(result.counts.sourceReadKeys, expected!.n)
    assert.ok(result.valid)
  })

  it('shows accounts as they stood on the end date: later accounts left out, later inactive dates blank', async () => {
    const asOf = '2026-09-30'
    const result = await demo.extract({ endDate: asOf })
    const rows = readRows(result.files[0]!.path)
    const accounts = new Set(rows.map((row) => row.account_id))
    const openedLater = demo.sql<{ sa_id: string }>(`SELECT sa_id FROM ci_sa WHERE start_dt > ?`, asOf)
    assert.ok(openedLater.length > 0, 'the demo has accounts opened after the end date')
    for (const { sa_id } of openedLater) assert.ok(!accounts.has(sa_id), `account ${sa_id} opened after ${asOf}`)
    const closedLater = demo.sql<{ sa_id: string }>(`SELECT sa_id FROM ci_sa WHERE end_dt > ? AND start_dt <= ?`, asOf, asOf).map((r) => r.sa_id)
    const seen = rows.filter((row) => closedLater.includes(row.account_id!))
    assert.ok(seen.length > 0, 'the demo has accounts closed after the end date with reads before it')
    for (const row of seen) assert.equal(row.inactive_date, '')
    assert.ok(rows.every((row) => row.inactive_date === '' || row.inactive_date! <= compact(asOf)))
  })

  it('orders each service point oldest to newest and writes the same bytes for the same data', async () => {
    const a = await demo.extract()
    const b = await demo.extract()
    assert.equal(contentOf(a.files[0]!.path), contentOf(b.files[0]!.path))
    assert.ok(a.files[0]!.fileName < b.files[0]!.fileName, 'names strictly increase across runs')
    const rows = readRows(a.files[0]!.path)
    for (let i = 1; i < rows.length; i++) {
      const [p, r] = [rows[i - 1]!, rows[i]!]
      assert.ok(p.service_point_id! < r.service_point_id! || (p.service_point_id === r.service_point_id && p.date_to! <= r.date_to!), `line ${i + 2}`)
    }
  })

  it('never writes a cancelled segment and keeps the re-bill, which sorts after the read it corrects', async () => {
    const pairs = demo.sql<{ sp_id: string; end_dt: string; rebill: string }>(
      `SELECT sp.sp_id, c.end_dt, r.bseg_id AS rebill FROM ci_bseg c
       JOIN ci_bseg r ON r.sa_id = c.sa_id AND r.end_dt = c.end_dt AND r.bseg_stat_flg = '50'
       JOIN ci_sa_sp sasp ON sasp.sa_id = c.sa_id JOIN ci_sp sp ON sp.sp_id = sasp.sp_id
       WHERE c.bseg_stat_flg = '70' AND c.end_dt >= '2025-01-01' AND c.end_dt <= '2026-10-15'`,
    )
    assert.ok(pairs.length > 0)
    const expected = (bseg: string) =>
      demo
        .sql<{ bill_sq: string; uom_cd: string }>(`SELECT bill_sq, uom_cd FROM ci_bseg_sq WHERE bseg_id = ?`, bseg)
        // The demo mapping's net metering is `delivered`: generation (negative) rows are left out.
        .filter((row) => row.uom_cd !== 'KW' && !row.bill_sq.startsWith('-'))
        .reduce((sum, row) => sum.plus(new Decimal(row.bill_sq).times(row.uom_cd === 'CCF' ? '1.037' : '1')), new Decimal(0))

    const normal = readRows((await demo.extract()).files[0]!.path)
    const withCancelled = await demo.extract({ mappingFile: demo.mapping((t) => t.replace(`where: "bs.bseg_stat_flg = '50'"`, `where: "bs.bseg_stat_flg IN ('50', '70')"`)) })
    assert.equal(withCancelled.counts.superseded, pairs.length)
    const kept = readRows(withCancelled.files[0]!.path)
    for (const pair of pairs.slice(0, 20)) {
      for (const rows of [normal, kept]) {
        const found = rows.filter((row) => row.service_point_id === pair.sp_id && row.date_to === compact(pair.end_dt))
        assert.equal(found.length, 1)
        assert.equal(found[0]!.usage_value, expected(pair.rebill).toDecimalPlaces(3, Decimal.ROUND_HALF_UP).toFixed())
      }
    }
  })

  it('converts gas in CCF to therms and applies the net-metering policy', async () => {
    const rows = readRows((await demo.extract()).files[0]!.path)
    const byKey = new Map(rows.map((row) => [`${row.service_point_id}|${row.date_to}`, row]))
    const ccf = demo.sql<{ sp_id: string; end_dt: string; bill_sq: string }>(
      `SELECT sasp.sp_id, bs.end_dt, sq.bill_sq FROM ci_bseg bs JOIN ci_bseg_sq sq ON sq.bseg_id = bs.bseg_id JOIN ci_sa_sp sasp ON sasp.sa_id = bs.sa_id
       WHERE sq.uom_cd = 'CCF' AND bs.bseg_stat_flg = '50' AND bs.end_dt BETWEEN '2025-01-01' AND '2026-10-15' LIMIT 30`,
    )
    assert.ok(ccf.length > 0)
    for (const row of ccf) {
      assert.equal(byKey.get(`${row.sp_id}|${compact(row.end_dt)}`)?.usage_value, new Decimal(row.bill_sq).times('1.037').toDecimalPlaces(3, Decimal.ROUND_HALF_UP).toFixed())
    }

    const negative = demo.sql<{ bseg_id: string }>(
      `SELECT bs.bseg_id FROM ci_bseg bs JOIN ci_bseg_sq sq ON sq.bseg_id = bs.bseg_id
       WHERE bs.bseg_stat_flg = '50' AND bs.end_dt BETWEEN '2025-01-01' AND '2026-10-15' AND sq.uom_cd = 'KWH'
       GROUP BY bs.bseg_id HAVING SUM(CAST(sq.bill_sq AS REAL)) < 0`,
    )
    assert.ok(negative.length > 0, 'the demo has net-metered reads with a negative total')
    assert.ok(rows.every((row) => !row.usage_value!.startsWith('-')), 'delivered: no negative value')
    const excluded = await demo.extract({ mappingFile: demo.mapping((t) => t.replace('net_metering: delivered', 'net_metering: exclude')) })
    assert.equal(excluded.counts.excluded['negative usage (net_metering: exclude)'], negative.length)
    const net = await demo.extract({ mappingFile: demo.mapping((t) => t.replace('net_metering: delivered', 'net_metering: net').replace('layout: single', 'allow_negative_usage: true\nlayout: single')) })
    assert.equal(readRows(net.files[0]!.path).filter((row) => row.usage_value!.startsWith('-')).length, negative.length)
  })

  it('fails the run and names the reads when a join fans out, leaving no file', async () => {
    const mappingFile = demo.mapping((t) => t.replace(`on: "ap.acct_id = acct.acct_id AND ap.main_cust_sw = 'Y'"`, 'on: ap.acct_id = acct.acct_id'))
    await assert.rejects(demo.extract({ mappingFile }), (error: unknown) => {
      assert.ok(error instanceof ToolkitError)
      assert.equal(error.code, 'RECONCILIATION_FAILED')
      assert.match(error.details[0]!, /^read \d+: column customer_id differs between the rows of one read$/)
      return true
    })
    assert.deepEqual(readdirSync(join(dirname(mappingFile), 'out')), [])
  })

  it('writes the split layout as a customer file (earlier stamp, one row per service point and account) and a usage file', async () => {
    const result = await demo.extract({ mappingFile: demo.mapping((t) => t.replace('layout: single\nfull_layout_service_point_id: once', 'layout: split')) })
    const [customer, usage] = result.files
    assert.equal(customer!.fileType, 'customer')
    assert.equal(usage!.fileType, 'usage')
    assert.ok(customer!.fileName < usage!.fileName)
    const customers = readRows(customer!.path)
    const keys = customers.map((row) => `${row.service_point_id}|${row.account_id}`)
    assert.equal(new Set(keys).size, keys.length)
    const usageRows = readRows(usage!.path)
    assert.deepEqual(Object.keys(usageRows[0]!), ['service_point_id', 'usage_value', 'date_to', 'duration', 'is_estimate', 'usage_charge'])
    const servicePoints = new Set(customers.map((row) => row.service_point_id))
    assert.ok(usageRows.every((row) => servicePoints.has(row.service_point_id)))
    assert.ok(result.valid)
  })
})

describe('extract --dry-run', () => {
  it('prints the window, the SQL with its bindings, and counts by fuel, account status and month that match the file', async () => {
    const endDate = '2026-09-30'
    const mappingFile = demo.mapping()
    const { mapping } = loadMapping(mappingFile)
    const source = createSource(mapping, { env: {} })
    let lines: string[]
    try {
      lines = await describeDryRun(mapping, source, historicalWindow({ endDate, from: '2025-10-01', launchDate: mapping.launchDate }), undefined)
    } finally {
      await source.close()
    }
    assert.equal(readdirSync(dirname(mappingFile)).includes('out'), false, 'a dry run writes nothing')
    assert.match(lines[0]!, /^window: date_to from 2025-10-01 to 2026-09-30 .*2025-10-01 ≤ date_to < 2026-10-01/)
    assert.ok(lines.some((line) => line.startsWith('bindings: ["2025-10-01","2026-10-01"')))
    assert.ok(lines.includes('SQL (reads in spec order by the database (source.sort: database; a chunked run adds its service point range to the WHERE)):'), lines.join('\n'))
    assert.match(lines.find((line) => line.includes('SELECT'))!, /\nORDER BY .*COLLATE BINARY/, 'the statement the extract sends, ORDER BY included')

    const rows = readRows((await demo.extract({ mappingFile, from: '2025-10-01', endDate })).files[0]!.path)
    const accounts = new Map(rows.map((row) => [row.account_id!, row.inactive_date === '' ? 'active' : 'inactive']))
    const active = [...accounts.values()].filter((status) => status === 'active').length
    assert.ok(active > 0 && active < accounts.size, 'the window holds active and inactive accounts')
    assert.ok(lines.includes(`accounts as of ${endDate}: ${active} active, ${accounts.size - active} inactive`), lines.join('\n'))
    assert.ok(lines.includes(`reads in window: ${rows.length}`))
    const october = rows.filter((row) => row.date_to!.startsWith('202510')).length
    assert.ok(lines.includes(`  2025-10  ${october}`))
  })

  it('on PostgreSQL shows the ORDER BY it sends and counts over the same rows (a DISTINCT count may not carry that ORDER BY)', async () => {
    const { dir, db, base } = await demoOnPostgres('opx-dry-run-pg-')
    try {
      const mapping = retarget(base, db, join(dir, 'dry-run'))
      const source = createSource(mapping, { env: {} })
      let lines: string[]
      try {
        lines = await describeDryRun(mapping, source, historicalWindow({ endDate: '2025-06-30', from: '2024-01-01', launchDate: mapping.launchDate }), undefined)
      } finally {
        await source.close()
      }
      assert.match(lines.find((line) => line.includes('SELECT'))!, /\nORDER BY .*COLLATE "C"/, 'the statement the extract sends, ORDER BY included')
      const counted = (await db.knex.raw(`SELECT COUNT(*)::int AS reads FROM ci_bseg WHERE bseg_stat_flg = '50' AND end_dt >= '2024-01-01' AND end_dt < '2025-07-01'`)) as { rows: { reads: number }[] }
      const reads = counted.rows[0]!.reads
      assert.ok(reads > 0)
      assert.ok(lines.includes(`reads in window: ${reads}`), lines.join('\n'))
      assert.ok(lines.some((line) => /^accounts as of 2025-06-30: \d+ active, \d+ inactive$/.test(line)), lines.join('\n'))
    } finally {
      await db.drop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('sample historical extract', () => {
  it('is the same pick for a seed, keeps whole premises with inactive accounts and dual fuel', async () => {
    const first = readRows((await demo.extract({ phase: 'sample', sampleSize: 300 })).files[0]!.path)
    const again = readRows((await demo.extract({ phase: 'sample', sampleSize: 300 })).files[0]!.path)
    const other = readRows((await demo.extract({ phase: 'sample', sampleSize: 300, seed: '2' })).files[0]!.path)
    assert.deepEqual(first, again)
    assert.notDeepEqual(first, other)

    const full = readRows((await demo.extract()).files[0]!.path)
    const premises = new Set(first.map((row) => row.premise_id))
    const accounts = new Set(first.map((row) => row.account_id))
    assert.ok(accounts.size >= 300 && accounts.size < full.length)
    const fullOfPremises = full.filter((row) => premises.has(row.premise_id))
    assert.deepEqual(fullOfPremises, first, 'every read of every picked premise, nothing else')
    assert.ok(first.some((row) => row.inactive_date !== ''), 'inactive accounts are in the sample')
    const accountsPerServicePoint = new Map<string, Set<string>>()
    for (const row of first) accountsPerServicePoint.set(row.service_point_id!, (accountsPerServicePoint.get(row.service_point_id!) ?? new Set()).add(row.account_id!))
    assert.ok([...accountsPerServicePoint.values()].some((accounts) => accounts.size >= 2), 'move-out/move-in chains are in the sample')
    const spsPerPremise = new Map<string, Set<string>>()
    for (const row of first) spsPerPremise.set(row.premise_id!, (spsPerPremise.get(row.premise_id!) ?? new Set()).add(row.service_point_id!))
    assert.ok([...spsPerPremise.values()].some((sps) => sps.size >= 2), 'dual-fuel premises are in the sample')
  })
})
