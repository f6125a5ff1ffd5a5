import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { createDemoDatabase, type DemoDatabaseInfo } from '../../src/demo/create-demo-database.js'
import { SCRIPTED_PREMISES } from '../../src/demo/demo-premise-plan.js'
import { DEMO_SCHEMA } from '../../src/demo/demo-schema.js'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { contentDigests } from './table-content.js'

// A small build with the default history (2024-01-01 to 2026-10-31); every case must be findable in it.
const CUSTOMERS = 2000
const END = '2026-10-31'

describe('createDemoDatabase: the realism cases, found with SQL in a 2,000-customer build', () => {
  let dir: string
  let db: Database.Database
  let info: DemoDatabaseInfo
  const value = (sql: string, ...params: unknown[]): number =>
    Number(
      db
        .prepare(sql)
        .pluck()
        .get(...params),
    )
  const column = (sql: string): unknown[] => db.prepare(sql).pluck().all()

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-'))
    info = createDemoDatabase(join(dir, 'demo.sqlite'), { customers: CUSTOMERS, seed: 7 })
    db = new Database(info.path, { readonly: true })
  })
  after(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('returns the row count of every table, as the database has them', () => {
    for (const table of DEMO_SCHEMA) {
      assert.equal(
        info.counts[table.name as keyof typeof info.counts],
        value(`SELECT count(*) FROM ${table.name}`),
        table.name,
      )
    }
    assert.equal(info.options.historyEnd, END)
  })

  it("has a utility's proportions: a premise per customer, ~30% with gas, ~5% businesses, ~1M segments at 25k", () => {
    assert.equal(value('SELECT count(*) FROM ci_prem'), CUSTOMERS)
    const gasShare = value("SELECT count(*) FROM ci_sp WHERE sp_type_cd LIKE 'G-%'") / CUSTOMERS
    assert.ok(gasShare > 0.25 && gasShare < 0.35, `gas premises ${gasShare}`)
    assert.equal(value("SELECT count(DISTINCT prem_id) FROM ci_sp WHERE sp_type_cd LIKE 'E-%'"), CUSTOMERS)
    const business =
      value("SELECT count(*) FROM ci_per WHERE per_or_bus_flg = 'B'") / value('SELECT count(*) FROM ci_per')
    assert.ok(business > 0.02 && business < 0.08, `business share ${business}`)
    // Business accounts are COMM with -COM SAs, residential ones RES with -RES SAs, never mixed.
    const mixed = value(`SELECT count(*) FROM ci_sa s JOIN ci_acct a ON a.acct_id = s.acct_id
      WHERE (a.cust_cl_cd = 'COMM') <> (s.sa_type_cd LIKE '%-COM')`)
    assert.equal(mixed, 0)
    const segmentsPerCustomer = value('SELECT count(*) FROM ci_bseg') / CUSTOMERS
    assert.ok(segmentsPerCustomer > 36 && segmentsPerCustomer < 48, `segments per customer ${segmentsPerCustomer}`)
  })

  it('stores dates, timestamps and decimals as text that reads back exactly', () => {
    assert.equal(
      value(
        "SELECT count(*) FROM ci_bseg WHERE typeof(end_dt) <> 'text' OR end_dt NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'",
      ),
      0,
    )
    const stamp =
      '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'
    assert.equal(
      value(`SELECT count(*) FROM ci_bseg WHERE cre_dttm NOT GLOB '${stamp}' OR stat_chg_dttm NOT GLOB '${stamp}'`),
      0,
    )
    assert.equal(
      value(
        "SELECT count(*) FROM ci_bseg_sq WHERE typeof(bill_sq) <> 'text' OR bill_sq NOT GLOB '*[0-9].[0-9][0-9][0-9][0-9]'",
      ),
      0,
    )
    assert.ok(
      value("SELECT count(*) FROM ci_bseg_sq WHERE bill_sq GLOB '*.0000'") > 0,
      'whole kWh keep their four zeros',
    )
    assert.equal(
      value(
        "SELECT count(*) FROM ci_bseg_calc WHERE typeof(calc_amt) <> 'text' OR currency_cd <> 'USD' OR header_seq <> 1",
      ),
      0,
    )
    assert.equal(value('SELECT count(*) FROM ci_bseg_calc'), value('SELECT count(*) FROM ci_bseg'))
  })

  it('indexes the foreign keys, ci_bseg.stat_chg_dttm and ci_bseg.end_dt', () => {
    const indexed = (table: string): string[] =>
      (db.prepare(`SELECT name FROM pragma_index_list('${table}')`).pluck().all() as string[]).flatMap(
        (index) => db.prepare(`SELECT name FROM pragma_index_info('${index}')`).pluck().all() as string[],
      )
    assert.ok(indexed('ci_bseg').includes('stat_chg_dttm'))
    assert.ok(indexed('ci_bseg').includes('end_dt'))
    assert.ok(indexed('ci_bseg').includes('sa_id'))
    assert.ok(indexed('ci_sa').includes('acct_id'))
    assert.ok(indexed('ci_sa_sp').includes('sp_id'))
    assert.ok(indexed('ci_sp').includes('prem_id'))
    // Master tables have no last-update timestamp, as in CC&B: change detection must diff them.
    for (const table of ['ci_per', 'ci_acct', 'ci_prem', 'ci_sp', 'ci_sa']) {
      const names = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]
      assert.ok(names.includes('version') && !names.some((name) => name.endsWith('_dttm')), table)
    }
  })

  it('has the scripted premises at their documented ids', () => {
    const accounts = (prem: string): Record<string, unknown>[] =>
      db
        .prepare(
          `SELECT acct_id, min(start_dt) AS start_dt, max(end_dt) AS end_dt, group_concat(sa_type_cd) AS types
        FROM ci_sa WHERE char_prem_id = ? GROUP BY acct_id ORDER BY acct_id`,
        )
        .all(prem) as Record<string, unknown>[]
    const chain = accounts(SCRIPTED_PREMISES.moveChain)
    assert.equal(chain.length, 3)
    assert.equal(chain[2]?.['start_dt'], '2026-09-21')
    assert.ok(
      value(
        `SELECT count(*) FROM ci_bseg b JOIN ci_sa s ON s.sa_id = b.sa_id WHERE s.char_prem_id = ? AND b.bseg_stat_flg = '70'`,
        SCRIPTED_PREMISES.moveChain,
      ) >= 1,
    )
    assert.ok(
      value(
        `SELECT count(*) FROM ci_bseg_sq q JOIN ci_bseg b ON b.bseg_id = q.bseg_id JOIN ci_sa s ON s.sa_id = b.sa_id
      WHERE s.char_prem_id = ? AND q.uom_cd = 'CCF'`,
        SCRIPTED_PREMISES.moveChain,
      ) > 0,
    )
    const solar = accounts(SCRIPTED_PREMISES.netMeteredLateMoveOut)
    assert.deepEqual(
      solar.map((account) => [account['end_dt'], account['types']]),
      [
        ['2026-10-11', 'E-RES'],
        [null, 'E-RES'],
      ],
    )
    assert.equal(
      value(
        `SELECT count(DISTINCT n.per_id) FROM ci_per_name n JOIN ci_acct_per ap ON ap.per_id = n.per_id JOIN ci_sa s ON s.acct_id = ap.acct_id
      WHERE s.char_prem_id = ? AND n.entity_name LIKE '%' || char(10) || '%'`,
        SCRIPTED_PREMISES.businessPoisonName,
      ),
      1,
    )
    assert.equal(
      value(
        `SELECT count(*) FROM ci_prem WHERE prem_id = ? AND instr(address1, char(9)) > 0`,
        SCRIPTED_PREMISES.poisonStreet,
      ),
      1,
    )
  })

  describe('move-outs and move-ins', () => {
    it('~15% of premises change occupant, on the same service points, never overlapping', () => {
      const changed = value(
        `SELECT count(*) FROM (SELECT char_prem_id FROM ci_sa GROUP BY char_prem_id HAVING count(DISTINCT acct_id) > 1)`,
      )
      assert.ok(changed / CUSTOMERS > 0.1 && changed / CUSTOMERS < 0.2, `premises with a move ${changed}`)
      // Every service point's SAs follow one another: the earlier one ends on or before the next start.
      const overlaps = value(`SELECT count(*) FROM ci_sa_sp x JOIN ci_sa_sp y ON y.sp_id = x.sp_id AND y.sa_id > x.sa_id
        JOIN ci_sa a ON a.sa_id = x.sa_id JOIN ci_sa b ON b.sa_id = y.sa_id
        WHERE a.end_dt IS NULL OR a.end_dt > b.start_dt`)
      assert.equal(overlaps, 0)
      assert.equal(
        value(
          'SELECT count(*) FROM ci_sa s JOIN ci_sa_sp j ON j.sa_id = s.sa_id JOIN ci_sp p ON p.sp_id = j.sp_id WHERE p.prem_id <> s.char_prem_id',
        ),
        0,
      )
      assert.equal(
        value('SELECT count(*) FROM ci_sa s WHERE (SELECT count(*) FROM ci_sa_sp j WHERE j.sa_id = s.sa_id) <> 1'),
        0,
      )
    })

    it('has chains: premises with three or more successive accounts', () => {
      const chains = value(
        `SELECT count(*) FROM (SELECT char_prem_id FROM ci_sa GROUP BY char_prem_id HAVING count(DISTINCT acct_id) >= 3)`,
      )
      assert.ok(chains >= 5, `chains ${chains}`)
    })

    it('moves in on the move-out day and on later days, with a new person and account', () => {
      const gaps = column(`SELECT DISTINCT julianday(b.start_dt) - julianday(a.end_dt) FROM ci_sa_sp x
        JOIN ci_sa_sp y ON y.sp_id = x.sp_id AND y.sa_id > x.sa_id
        JOIN ci_sa a ON a.sa_id = x.sa_id JOIN ci_sa b ON b.sa_id = y.sa_id
        WHERE NOT EXISTS (SELECT 1 FROM ci_sa_sp z WHERE z.sp_id = x.sp_id AND z.sa_id > x.sa_id AND z.sa_id < y.sa_id)`) as number[]
      assert.ok(gaps.includes(0), 'same-day move-in')
      assert.ok(
        gaps.some((gap) => gap > 0),
        'later move-in',
      )
      const sharedPeople = value(
        `SELECT count(*) FROM ci_acct_per x JOIN ci_acct_per y ON y.per_id = x.per_id AND y.acct_id <> x.acct_id`,
      )
      assert.equal(sharedPeople, 0)
    })

    it('gives ended SAs an end date and status 40/50/70, active ones status 20 and no end date', () => {
      assert.equal(value("SELECT count(*) FROM ci_sa WHERE (end_dt IS NULL) <> (sa_status_flg = '20')"), 0)
      const statuses = column('SELECT DISTINCT sa_status_flg FROM ci_sa ORDER BY 1')
      assert.deepEqual(statuses, ['20', '40', '50', '70'])
      assert.equal(
        value("SELECT count(*) FROM ci_sa WHERE sa_status_flg = '40' AND end_dt <= date(?, '-7 days')", END),
        0,
      )
      const inactiveAccounts = value(
        'SELECT count(*) FROM ci_acct a WHERE NOT EXISTS (SELECT 1 FROM ci_sa s WHERE s.acct_id = a.acct_id AND s.end_dt IS NULL)',
      )
      assert.ok(inactiveAccounts > 100, `inactive accounts ${inactiveAccounts}`)
    })

    it('opens accounts in the last two months and ends others in the last month', () => {
      assert.ok(value("SELECT count(*) FROM ci_acct WHERE setup_dt > date(?, '-2 months')", END) >= 5)
      assert.ok(value("SELECT count(*) FROM ci_sa WHERE end_dt > date(?, '-1 months')", END) >= 5)
      // The SA's dates are the account's: setup_dt = start_dt.
      assert.equal(
        value('SELECT count(*) FROM ci_sa s JOIN ci_acct a ON a.acct_id = s.acct_id WHERE a.setup_dt <> s.start_dt'),
        0,
      )
    })
  })

  describe('bill segments', () => {
    const current = "bseg_stat_flg = '50'"

    it('run back to back from the SA start (or just before the history) to the SA end date', () => {
      const gaps =
        value(`SELECT count(*) FROM (SELECT start_dt, lag(end_dt) OVER (PARTITION BY sa_id ORDER BY start_dt) AS previous_end
        FROM ci_bseg WHERE ${current}) WHERE previous_end IS NOT NULL AND previous_end <> start_dt`)
      assert.equal(gaps, 0)
      assert.equal(
        value(
          `SELECT count(*) FROM (SELECT sa_id, start_dt FROM ci_bseg WHERE ${current} GROUP BY 1, 2 HAVING count(*) > 1)`,
        ),
        0,
      )
      const badFirst = value(`SELECT count(*) FROM ci_sa s WHERE s.start_dt >= '2024-01-01'
        AND EXISTS (SELECT 1 FROM ci_bseg b WHERE b.sa_id = s.sa_id)
        AND (SELECT min(start_dt) FROM ci_bseg b WHERE b.sa_id = s.sa_id) <> s.start_dt`)
      assert.equal(badFirst, 0)
      const badLast = value(`SELECT count(*) FROM ci_sa s WHERE s.end_dt IS NOT NULL
        AND (SELECT max(end_dt) FROM ci_bseg b WHERE b.sa_id = s.sa_id) IS NOT s.end_dt`)
      assert.equal(badLast, 0)
      assert.equal(
        value(
          `SELECT count(*) FROM ci_bseg WHERE end_dt > ? OR stat_chg_dttm > ? OR cre_dttm > stat_chg_dttm`,
          END,
          `${END} 23:59:59.999999`,
        ),
        0,
      )
    })

    it('last 27-34 days, or 55-65 for ~5% of SAs billed every two months (the final one shorter)', () => {
      const lengths = `SELECT b.sa_id, julianday(b.end_dt) - julianday(b.start_dt) AS days FROM ci_bseg b JOIN ci_sa s ON s.sa_id = b.sa_id
        WHERE b.end_dt IS NOT s.end_dt`
      assert.equal(
        value(`SELECT count(*) FROM (${lengths}) WHERE NOT (days BETWEEN 27 AND 34 OR days BETWEEN 55 AND 65)`),
        0,
      )
      const bimonthly =
        value(`SELECT count(DISTINCT sa_id) FROM (${lengths}) WHERE days >= 55`) / value('SELECT count(*) FROM ci_sa')
      assert.ok(bimonthly > 0.02 && bimonthly < 0.09, `bi-monthly SAs ${bimonthly}`)
      assert.ok(value(`SELECT count(*) FROM ci_acct WHERE bill_cyc_cd LIKE 'B%'`) > 0)
    })

    it('bill the electric and gas SAs of a dual-fuel account on one bill', () => {
      const dualBills = value(`SELECT count(*) FROM (SELECT bill_id FROM ci_bseg b JOIN ci_sa s ON s.sa_id = b.sa_id
        GROUP BY bill_id HAVING sum(s.sa_type_cd LIKE 'E-%') = 1 AND sum(s.sa_type_cd LIKE 'G-%') = 1)`)
      assert.ok(dualBills > 1000, `dual-fuel bills ${dualBills}`)
    })

    it('have one KWH row, or ON + OFF KWH and a KW DEMAND row for ~10% of electric SAs (time of use)', () => {
      const shapes =
        column(`SELECT DISTINCT shape FROM (SELECT group_concat(uom_cd || ':' || ifnull(tou_cd, '') || ':' || ifnull(sqi_cd, ''), ' ') AS shape
        FROM (SELECT * FROM ci_bseg_sq ORDER BY bseg_id, seq_num) GROUP BY bseg_id) ORDER BY 1`)
      assert.deepEqual(shapes, ['CCF::', 'KWH:: KWH::NETGEN', 'KWH::', 'KWH:ON: KWH:OFF: KW::DEMAND', 'THERM::'].sort())
      const tou = value(
        `SELECT count(DISTINCT b.sa_id) FROM ci_bseg b JOIN ci_bseg_sq q ON q.bseg_id = b.bseg_id WHERE q.tou_cd = 'ON'`,
      )
      const electric = value(`SELECT count(*) FROM ci_sa WHERE sa_type_cd LIKE 'E-%'`)
      assert.ok(tou / electric > 0.06 && tou / electric < 0.14, `TOU share ${tou / electric}`)
    })

    it('measure gas in THERM, and in CCF for ~30% of gas SAs', () => {
      const units = (unit: string): number =>
        value(
          `SELECT count(DISTINCT b.sa_id) FROM ci_bseg b JOIN ci_bseg_sq q ON q.bseg_id = b.bseg_id WHERE q.uom_cd = ?`,
          unit,
        )
      const ccf = units('CCF') / (units('CCF') + units('THERM'))
      assert.ok(ccf > 0.2 && ccf < 0.4, `CCF share ${ccf}`)
    })

    it('net-metered SAs have segments whose net KWH total is negative', () => {
      const negative = value(
        `SELECT count(*) FROM (SELECT bseg_id FROM ci_bseg_sq WHERE uom_cd = 'KWH' GROUP BY bseg_id HAVING sum(CAST(bill_sq AS REAL)) < 0)`,
      )
      assert.ok(negative > 10, `negative net segments ${negative}`)
      assert.equal(value(`SELECT count(*) FROM ci_bseg_sq WHERE sqi_cd = 'NETGEN' AND CAST(bill_sq AS REAL) >= 0`), 0)
      assert.equal(
        value(`SELECT count(*) FROM ci_bseg_sq WHERE sqi_cd IS NOT 'NETGEN' AND CAST(bill_sq AS REAL) <= 0`),
        0,
      )
    })

    it('keep use within 200-1500 kWh and 5-150 therms per 30 days (corrections aside)', () => {
      const perMonth = (where: string, factor = '1'): { low: number; high: number } =>
        db
          .prepare(
            `SELECT min(m) AS low, max(m) AS high FROM (SELECT sum(CAST(q.bill_sq AS REAL)) * ${factor} * 30 / (julianday(b.end_dt) - julianday(b.start_dt)) AS m
          FROM ci_bseg b JOIN ci_bseg_sq q ON q.bseg_id = b.bseg_id
          WHERE ${where} AND julianday(b.end_dt) - julianday(b.start_dt) >= 20 AND b.est_sw IN ('Y', 'N')
          AND NOT EXISTS (SELECT 1 FROM ci_bseg c WHERE c.sa_id = b.sa_id AND c.start_dt = b.start_dt AND c.bseg_id <> b.bseg_id)
          GROUP BY b.bseg_id)`,
          )
          .get() as { low: number; high: number }
      const kwh = perMonth("q.uom_cd = 'KWH' AND q.sqi_cd IS NULL")
      assert.ok(kwh.low >= 199 && kwh.high <= 1501, `kWh per 30 days ${JSON.stringify(kwh)}`)
      const therms = perMonth("q.uom_cd = 'THERM'")
      assert.ok(therms.low >= 4.9 && therms.high <= 150.1, `therms per 30 days ${JSON.stringify(therms)}`)
      const ccf = perMonth("q.uom_cd = 'CCF'", '1.037')
      assert.ok(ccf.low >= 4 && ccf.high <= 152, `CCF as therms per 30 days ${JSON.stringify(ccf)}`)
    })

    it('are estimated for ~4%', () => {
      const share = value(`SELECT avg(est_sw = 'Y') FROM ci_bseg`)
      assert.ok(share > 0.03 && share < 0.05, `estimated ${share}`)
      assert.equal(value(`SELECT count(*) FROM ci_bseg WHERE est_sw NOT IN ('Y', 'N')`), 0)
    })

    it('are cancelled (70) and rebilled (50) for ~1% of older periods: same SA and period, new values, later times', () => {
      const pairs = db
        .prepare(
          `SELECT c.bseg_id AS cancelled, r.bseg_id AS rebill, c.end_dt, c.cre_dttm AS c_cre, c.stat_chg_dttm AS c_chg,
            r.cre_dttm AS r_cre, r.stat_chg_dttm AS r_chg, c.bill_id AS c_bill, r.bill_id AS r_bill,
            (SELECT group_concat(bill_sq) FROM ci_bseg_sq WHERE bseg_id = c.bseg_id) AS c_sq,
            (SELECT group_concat(bill_sq) FROM ci_bseg_sq WHERE bseg_id = r.bseg_id) AS r_sq
          FROM ci_bseg c JOIN ci_bseg r ON r.sa_id = c.sa_id AND r.start_dt = c.start_dt AND r.end_dt = c.end_dt AND r.bseg_stat_flg = '50'
          WHERE c.bseg_stat_flg = '70'`,
        )
        .all() as Record<string, string>[]
      assert.equal(
        pairs.length,
        value(`SELECT count(*) FROM ci_bseg WHERE bseg_stat_flg = '70'`),
        'every cancelled segment has its rebill',
      )
      assert.deepEqual(column(`SELECT DISTINCT bseg_stat_flg FROM ci_bseg ORDER BY 1`), ['50', '70'])
      const share = pairs.length / value(`SELECT count(*) FROM ci_bseg WHERE end_dt <= date(?, '-90 days')`, END)
      assert.ok(share > 0.006 && share < 0.016, `cancelled share ${share}`)
      for (const pair of pairs) {
        assert.ok(
          pair['c_chg']! > pair['c_cre']! && pair['r_cre']! > pair['c_cre']! && pair['r_chg']! > pair['c_chg']!,
          JSON.stringify(pair),
        )
        assert.notEqual(pair['r_sq'], pair['c_sq'])
        assert.notEqual(pair['r_bill'], pair['c_bill'])
        assert.ok(pair['end_dt']! <= '2026-10-01')
      }
    })

    it('change status a few days after end_dt, at microsecond times, with ties across bills', () => {
      const late = value(`SELECT count(*) FROM ci_bseg b WHERE bseg_stat_flg = '50'
        AND NOT EXISTS (SELECT 1 FROM ci_bseg c WHERE c.sa_id = b.sa_id AND c.start_dt = b.start_dt AND c.bseg_id <> b.bseg_id)
        AND julianday(substr(stat_chg_dttm, 1, 10)) - julianday(end_dt) NOT BETWEEN 0 AND 5`)
      assert.equal(late, 0)
      assert.ok(
        value(`SELECT count(*) FROM ci_bseg WHERE substr(stat_chg_dttm, 21) NOT GLOB '*000'`) > 1000,
        'microseconds',
      )
      const ties = value(
        `SELECT count(*) FROM (SELECT stat_chg_dttm FROM ci_bseg GROUP BY stat_chg_dttm HAVING count(DISTINCT bill_id) > 1)`,
      )
      assert.ok(ties > 50, `ties across bills ${ties}`)
    })
  })

  describe('names and addresses', () => {
    it('carry non-ASCII letters, apostrophes, commas, double quotes and pipes', () => {
      const names = column(`SELECT entity_name FROM ci_per_name`) as string[]
      for (const part of ['José', 'Zoë', 'Nguyễn', 'Müller', 'Ørsted', "O'Brien", "D'Angelo"]) {
        assert.ok(
          names.some((name) => name.includes(part)),
          part,
        )
      }
      assert.ok(names.every((name) => name === name.normalize('NFC')))
      const business = column(
        `SELECT n.entity_name FROM ci_per_name n JOIN ci_per p ON p.per_id = n.per_id WHERE p.per_or_bus_flg = 'B'`,
      ) as string[]
      assert.ok(business.includes('Acme Widgets, Inc.') || business.includes('Smith, Jr. & Sons Plumbing'))
      assert.ok(
        business.some((name) => name.includes('"')),
        'double quotes',
      )
      assert.ok(
        business.some((name) => name.includes('|')),
        'pipe',
      )
      // Persons are "Last,First"; a secondary, non-primary name exists for some of them.
      const persons = column(
        `SELECT n.entity_name FROM ci_per_name n JOIN ci_per p ON p.per_id = n.per_id WHERE p.per_or_bus_flg = 'P'`,
      ) as string[]
      assert.ok(persons.every((name) => /^[^,]+,[^,]+$/.test(name)))
      assert.ok(value(`SELECT count(*) FROM ci_per_name WHERE prim_name_sw = 'N'`) > 0)
      assert.equal(
        value(
          `SELECT count(*) FROM ci_per p WHERE (SELECT count(*) FROM ci_per_name n WHERE n.per_id = p.per_id AND prim_name_sw = 'Y') <> 1`,
        ),
        0,
      )
    })

    it('have multi-unit buildings: same number, street, city and postal code, different units', () => {
      const buildings = value(`SELECT count(*) FROM (SELECT num1 FROM ci_prem GROUP BY num1, address1, city, postal
        HAVING count(*) >= 3 AND count(DISTINCT address2) = count(*))`)
      assert.ok(buildings >= 5, `buildings ${buildings}`)
      assert.ok(value(`SELECT count(*) FROM ci_prem WHERE address2 LIKE 'Apt %'`) > 0)
      assert.ok(
        value(`SELECT count(*) FROM ci_prem WHERE address1 GLOB '[NSEW] *' AND address1 GLOB '* [NS][EW]'`) > 0,
        "e.g. 'W 24th St NE'",
      )
    })

    it('leave optional fields NULL in many rows', () => {
      assert.ok(value(`SELECT avg(address2 IS NULL) FROM ci_prem`) > 0.5)
      assert.ok(value(`SELECT avg(mail_addr IS NULL) FROM ci_prem`) > 0.8)
      assert.ok(value(`SELECT count(*) FROM ci_prem WHERE mail_addr IS NOT NULL`) > 0)
      assert.equal(value(`SELECT count(*) FROM ci_prem WHERE address2 = '' OR mail_addr = ''`), 0)
    })

    it('hold exactly one tab (in a street) and one line break (in a business name)', () => {
      assert.equal(value(`SELECT count(*) FROM ci_prem WHERE address1 LIKE '%' || char(9) || '%'`), 1)
      assert.equal(value(`SELECT count(*) FROM ci_per_name WHERE entity_name LIKE '%' || char(10) || '%'`), 1)
      const elsewhere =
        value(`SELECT count(*) FROM ci_prem WHERE instr(num1 || ifnull(address2, '') || city || postal || ifnull(mail_addr, ''), char(9)) > 0
        OR instr(address1 || num1 || ifnull(address2, '') || city || ifnull(mail_addr, ''), char(10)) > 0
        OR instr(address1 || num1 || ifnull(address2, '') || city || ifnull(mail_addr, ''), char(13)) > 0`)
      assert.equal(elsewhere, 0)
    })

    it('use 2-letter states and 5 or 5+4 digit postal codes', () => {
      assert.equal(value(`SELECT count(*) FROM ci_prem WHERE state NOT GLOB '[A-Z][A-Z]'`), 0)
      assert.equal(
        value(
          `SELECT count(*) FROM ci_prem WHERE postal NOT GLOB '[0-9][0-9][0-9][0-9][0-9]' AND postal NOT GLOB '[0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'`,
        ),
        0,
      )
      assert.ok(value(`SELECT count(*) FROM ci_prem WHERE length(postal) = 10`) > 0)
    })
  })
})

describe('createDemoDatabase: the file', () => {
  let dir: string
  const small = { customers: 150, seed: 11, historyStart: '2025-01-01', historyEnd: '2025-12-31' }
  const digests = (path: string): Record<string, string> => {
    const db = new Database(path, { readonly: true })
    try {
      return contentDigests(db, DEMO_SCHEMA)
    } finally {
      db.close()
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('has the same content for the same options and a different one for another seed', async () => {
    const first = createDemoDatabase(join(dir, 'a.sqlite'), small)
    const second = createDemoDatabase(join(dir, 'b.sqlite'), small)
    const other = createDemoDatabase(join(dir, 'c.sqlite'), { ...small, seed: 12 })
    assert.deepEqual(second.counts, first.counts)
    assert.deepEqual(digests(second.path), digests(first.path))
    // Even the file is byte for byte the same (with the same SQLite build).
    assert.ok((await readFile(second.path)).equals(await readFile(first.path)))
    const otherDigests = digests(other.path)
    for (const [table, digest] of Object.entries(digests(first.path))) {
      assert.notEqual(otherDigests[table], digest, `${table} differs with another seed`)
    }
  })

  it('refuses to overwrite an existing file, and leaves it as it was', async () => {
    const path = join(dir, 'keep.sqlite')
    await writeFile(path, 'not a database, but mine')
    assert.throws(
      () => createDemoDatabase(path, small),
      (error: unknown) =>
        isToolkitError(error) &&
        error.code === 'USAGE_INVALID_ARGUMENT' &&
        error.message.includes(path) &&
        error.hint !== undefined,
    )
    assert.equal(await readFile(path, 'utf8'), 'not a database, but mine')
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.includes('keep')),
      ['keep.sqlite'],
    )
  })

  it('replaces the file with overwrite: true, with no stale journal and no temporary file left', async () => {
    const path = join(dir, 'replace.sqlite')
    await writeFile(path, 'old')
    await writeFile(`${path}-journal`, 'a stale journal that must not be replayed')
    const info = createDemoDatabase(path, { ...small, overwrite: true })
    assert.deepEqual(digests(path), digests(join(dir, 'a.sqlite')))
    assert.equal(info.counts.ci_prem, 150)
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.includes('replace')),
      ['replace.sqlite'],
    )
  })

  it('rejects impossible options before touching the disk', async () => {
    const path = join(dir, 'never.sqlite')
    const rejects = (options: Record<string, unknown>, words: string): void => {
      assert.throws(
        () => createDemoDatabase(path, { ...small, ...options }),
        (error: unknown) =>
          isToolkitError(error) && error.code === 'USAGE_INVALID_ARGUMENT' && error.message.includes(words),
      )
    }
    rejects({ customers: 0 }, 'customers')
    rejects({ seed: 1.5 }, 'seed')
    rejects({ historyStart: '2025-02-30' }, '"2025-02-30" is not a date')
    rejects({ historyEnd: '2025-03-01' }, '59 days long')
    assert.equal(existsSync(path), false)
  })

  it('reports a folder that does not exist as OUTPUT_NOT_WRITABLE', () => {
    assert.throws(
      () => createDemoDatabase(join(dir, 'no', 'such', 'folder', 'demo.sqlite'), small),
      (error: unknown) => isToolkitError(error) && error.code === 'OUTPUT_NOT_WRITABLE',
    )
  })
})
