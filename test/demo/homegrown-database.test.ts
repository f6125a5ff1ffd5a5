import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import knexFactory from 'knex'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { createHomegrownDatabase } from '../fixtures/homegrown/create-homegrown-database.js'
import { HOMEGROWN_HISTORY, generateHomegrownData } from '../fixtures/homegrown/generate-homegrown-data.js'
import { createHomegrownSchema, loadHomegrownData } from '../fixtures/homegrown/homegrown-knex.js'
import { HOMEGROWN_SCHEMA } from '../fixtures/homegrown/homegrown-schema.js'
import { contentDigests, tableContent } from './table-content.js'

const OPTIONS = { accounts: 200, seed: 1 }

describe('createHomegrownDatabase: a second, non-CC&B schema', () => {
  let dir: string
  let db: Database.Database
  const value = (sql: string, ...params: unknown[]): number => Number(db.prepare(sql).pluck().get(...params))

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-'))
    const counts = createHomegrownDatabase(join(dir, 'homegrown.sqlite'), OPTIONS)
    db = new Database(join(dir, 'homegrown.sqlite'), { readonly: true })
    assert.deepEqual(counts, { customers: value('SELECT count(*) FROM customers'), reads: value('SELECT count(*) FROM reads') })
  })
  after(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('has one customers row per account and meter, dual-fuel accounts on two rows', () => {
    assert.equal(value('SELECT count(DISTINCT meter_id) FROM customers'), value('SELECT count(*) FROM customers WHERE acct_close IS NULL'))
    assert.equal(value(`SELECT count(*) FROM (SELECT meter_id FROM customers GROUP BY meter_id HAVING count(*) > 2)`), 0)
    const dual = value(`SELECT count(*) FROM (SELECT acct_no FROM customers GROUP BY acct_no HAVING count(DISTINCT fuel) = 2)`)
    assert.ok(dual >= 20, `dual-fuel accounts ${dual}`)
    assert.ok(value(`SELECT count(DISTINCT acct_no) FROM customers`) > OPTIONS.accounts)
  })

  it('moves out and in on the same meter with a new cust_no and acct_no, after the final read', () => {
    const moves = db
      .prepare(`SELECT o.cust_no AS old_cust, n.cust_no AS new_cust, o.acct_no AS old_acct, n.acct_no AS new_acct, o.acct_close, n.acct_open,
          (SELECT max(read_date) FROM reads r WHERE r.meter_id = o.meter_id AND r.read_date <= o.acct_close) AS final_read
        FROM customers o JOIN customers n ON n.meter_id = o.meter_id AND n.acct_open > o.acct_open`)
      .all() as Record<string, string>[]
    assert.ok(moves.length >= 5, `moves ${moves.length}`)
    for (const move of moves) {
      assert.notEqual(move['new_cust'], move['old_cust'])
      assert.notEqual(move['new_acct'], move['old_acct'])
      assert.equal(move['final_read'], move['acct_close'], 'the final read is on the move-out day')
      assert.ok(move['acct_open']! > move['acct_close']!, 'the next account opens after the move-out day')
    }
    // Every read belongs to exactly one customers row of its meter (read_date within open..close).
    const owners = value(`SELECT count(*) FROM reads r WHERE (SELECT count(*) FROM customers c WHERE c.meter_id = r.meter_id
      AND r.read_date BETWEEN c.acct_open AND ifnull(c.acct_close, '9999-12-31')) <> 1`)
    assert.equal(owners, 0)
  })

  it('reads monthly for 18 months, back to back per meter, gas in CCF', () => {
    assert.equal(value(`SELECT count(*) FROM reads WHERE read_date < ? OR read_date > ?`, HOMEGROWN_HISTORY.start, HOMEGROWN_HISTORY.end), 0)
    const gaps = value(`SELECT count(*) FROM (SELECT read_date, days, lag(read_date) OVER (PARTITION BY meter_id ORDER BY read_date) AS previous
      FROM reads WHERE revision = 1) WHERE previous IS NOT NULL AND date(read_date, '-' || days || ' days') <> previous`)
    assert.equal(gaps, 0)
    const perMeter = value(`SELECT avg(n) FROM (SELECT count(*) AS n FROM reads WHERE revision = 1 GROUP BY meter_id)`)
    assert.ok(perMeter > 16 && perMeter < 20, `reads per meter ${perMeter}`)
    assert.ok(value(`SELECT count(*) FROM reads r JOIN customers c ON c.meter_id = r.meter_id WHERE c.fuel = 'GAS'`) > 0)
    assert.equal(value(`SELECT count(*) FROM reads WHERE typeof(kwh) <> 'text' OR kwh NOT GLOB '*[0-9].[0-9][0-9][0-9][0-9]' OR typeof(read_id) <> 'integer'`), 0)
    assert.ok(value(`SELECT count(*) FROM reads WHERE est_flag = 'Y'`) > 0)
  })

  it('corrects a read with a new row: same meter, date and days, higher revision and read_id, later update', () => {
    const corrections = db
      .prepare(`SELECT o.read_id AS old_id, n.read_id AS new_id, o.kwh AS old_kwh, n.kwh AS new_kwh, o.updated_at AS old_at, n.updated_at AS new_at
        FROM reads o JOIN reads n ON n.meter_id = o.meter_id AND n.read_date = o.read_date AND n.days = o.days AND n.revision > o.revision`)
      .all() as Record<string, string | number>[]
    assert.ok(corrections.length >= 1)
    assert.equal(corrections.length, value('SELECT count(*) FROM reads WHERE revision = 2'))
    for (const fix of corrections) {
      assert.ok(fix['new_id']! > fix['old_id']! && fix['new_at']! > fix['old_at']! && fix['new_kwh'] !== fix['old_kwh'], JSON.stringify(fix))
    }
  })

  it("has an apostrophe and non-ASCII letters in names, and NULL units", () => {
    assert.ok(value(`SELECT count(*) FROM customers WHERE full_name = 'Zoë D''Amico'`) >= 1)
    assert.ok(value(`SELECT count(*) FROM customers WHERE unit IS NULL`) > 100)
    assert.ok(value(`SELECT count(*) FROM customers WHERE unit IS NOT NULL`) > 0)
  })

  it('is the same for the same seed, different for another, and refuses to overwrite', async () => {
    createHomegrownDatabase(join(dir, 'again.sqlite'), OPTIONS)
    createHomegrownDatabase(join(dir, 'other.sqlite'), { ...OPTIONS, seed: 2 })
    const digests = (name: string): Record<string, string> => {
      const other = new Database(join(dir, name), { readonly: true })
      try {
        return contentDigests(other, HOMEGROWN_SCHEMA)
      } finally {
        other.close()
      }
    }
    assert.deepEqual(digests('again.sqlite'), digests('homegrown.sqlite'))
    assert.notEqual(digests('other.sqlite')['reads'], digests('homegrown.sqlite')['reads'])
    await writeFile(join(dir, 'taken.sqlite'), 'x')
    assert.throws(
      () => createHomegrownDatabase(join(dir, 'taken.sqlite'), OPTIONS),
      (error: unknown) => isToolkitError(error) && error.code === 'USAGE_INVALID_ARGUMENT',
    )
  })

  it('loads the same rows through knex (createHomegrownSchema + loadHomegrownData)', async () => {
    const path = join(dir, 'knex.sqlite')
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: path }, useNullAsDefault: true })
    try {
      await createHomegrownSchema(knex)
      await loadHomegrownData(knex, generateHomegrownData(OPTIONS))
    } finally {
      await knex.destroy()
    }
    const loaded = new Database(path, { readonly: true })
    try {
      for (const table of HOMEGROWN_SCHEMA) assert.deepEqual(tableContent(loaded, table), tableContent(db, table), table.name)
    } finally {
      loaded.close()
    }
  })
})
