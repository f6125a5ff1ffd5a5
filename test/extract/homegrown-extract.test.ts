import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { loadMapping } from '../../src/config/load-mapping.js'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import type { HistoricalExtractResult } from '../../src/extract/run-historical-extract.js'
import { createHomegrownDatabase } from '../fixtures/homegrown/create-homegrown-database.js'
import { contentOf, readRows, runExtract, type RunExtractOptions } from './run-extract.js'

// The committed mapping, as a mapping author wrote it: its paths are relative to its own folder, so a copy
// beside a database named homegrown.sqlite runs unchanged.
const MAPPING = readFileSync(new URL('../../../test/fixtures/homegrown/mapping.yaml', import.meta.url), 'utf8')
const HISTORY = { from: '2024-01-01', endDate: '2025-12-31' }

let dir: string
let runs = 0
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'opx-homegrown-'))
  createHomegrownDatabase(join(dir, 'homegrown.sqlite'), { accounts: 200, seed: 1 })
})
after(() => rmSync(dir, { recursive: true, force: true }))

/** Writes the mapping, edited, into `folder` (which holds the database the mapping names). */
function mappingFile(edit: (text: string) => string = (text) => text, folder = dir): string {
  const path = join(folder, `mapping-${++runs}.yaml`)
  writeFileSync(path, edit(MAPPING))
  return path
}

/** The full historical of the whole fixture with the committed mapping, run once and shared by the tests that only read it. */
let fullRun: Promise<HistoricalExtractResult> | undefined
const fullHistory = () => (fullRun ??= extract())

/** An extract into its own output folder; a full historical of the whole fixture unless told otherwise. */
function extract(options: Partial<RunExtractOptions> & { mappingFile?: string } = {}): Promise<HistoricalExtractResult> {
  return runExtract(options.mappingFile ?? mappingFile(), { ...HISTORY, outDir: join(dir, `out-${++runs}`), ...options, tmpDir: dir })
}

function sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): T[] {
  const db = new Database(join(dir, 'homegrown.sqlite'), { readonly: true })
  try {
    return db.prepare(query).all(...params) as T[]
  } finally {
    db.close()
  }
}

const count = (query: string, ...params: unknown[]): number => Number(Object.values(sql(query, ...params)[0]!)[0])
const compact = (date: string) => date.replaceAll('-', '')
const linesOf = (path: string) => contentOf(path).split('\n')

describe('full historical extract of the home-grown fixture (one wide customers table, one reads table)', () => {
  it('writes the customer and usage files with the exact values of hand-picked accounts and reads', async () => {
    const result = await fullHistory()
    const [customer, usage] = result.files
    assert.deepEqual(result.files.map((file) => file.fileType), ['customer', 'usage'])
    assert.ok(result.valid, JSON.stringify(result.files.map((file) => file.validation.ok)))
    const customers = linesOf(customer!.path)
    // Move-out and move-in on one meter: both accounts, oldest first, on the premise of the meter number.
    const moved = customers.filter((line) => line.includes('\tEM000001\t'))
    assert.deepEqual(moved, [
      'A000001\t000001\t\t\t\t\t\tC000001\t20160926\t20250725\t\t\tEM000001\t426\tSchoolhouse Road\t\tLittle Fjord\tME\t04530\t\t\t',
      'A000002\t000001\t\t\t\t\t\tC000002\t20250803\t\t\t\tEM000001\t426\tSchoolhouse Road\t\tLittle Fjord\tME\t04530\t\t\t',
    ])
    // Dual fuel: one customer (acct_no), one premise, an account per meter.
    const dual = customers.filter((line) => line.startsWith('A000003\t'))
    assert.deepEqual(dual, [
      'A000003\t000002\t\t\t\t\t\tC000003\t20181101\t\t\t\tEM000002\t824\tSchoolhouse Road\t\tSaint-Aubin\tVT\t05401\t\t\t',
      'A000003\t000002\t\t\t\t\t\tC000004\t20181101\t\t\t\tGM000002\t824\tSchoolhouse Road\t\tSaint-Aubin\tVT\t05401\t\t\t',
    ])
    assert.equal(customers.length - 2, count(`SELECT COUNT(*) FROM customers`), 'every account read in the window, header and final newline aside')

    const reads = linesOf(usage!.path)
    assert.equal(reads[0], 'service_point_id\tusage_value\tdate_to\tduration\tis_estimate\tusage_charge')
    // The 2024-07-18 read was corrected (revision 2, 930 → 1070 kWh): only the current version is written.
    assert.deepEqual(reads.filter((line) => line.startsWith('EM000001\t')).slice(0, 2), ['EM000001\t1070\t20240718\t28\tA\t160.20', 'EM000001\t791\t20240815\t28\tA\t120.86'])
    // The final read of the first occupant, on the move-out day, covers 4 days.
    assert.ok(reads.includes('EM000001\t133\t20250725\t4\tA\t20.09'))
    // Gas is stored in CCF and written in therms: 59 CCF × 1.037.
    assert.equal(reads.find((line) => line.startsWith('GM000002\t')), 'GM000002\t61.183\t20240712\t30\tA\t83.44')
    // est_flag Y is an estimate.
    assert.ok(reads.includes('EM000005\t437\t20240711\t28\tE\t70.95'))
  })

  it('reconciles every read of the window: written plus superseded corrections equals the reads in the database', async () => {
    const result = await fullHistory()
    const inWindow = count(`SELECT COUNT(*) FROM reads WHERE read_date BETWEEN ? AND ?`, HISTORY.from, HISTORY.endDate)
    const corrections = count(`SELECT COUNT(*) FROM reads WHERE revision > 1`)
    assert.ok(corrections > 0)
    assert.equal(result.counts.sourceReadKeys, inWindow)
    assert.equal(result.counts.superseded, corrections)
    assert.equal(result.counts.written, inWindow - corrections)
    assert.equal(result.counts.rejected, 0)
    assert.equal(result.rejectsFile, undefined)
    assert.equal(readRows(result.files[1]!.path).length, result.counts.written)
  })

  it('takes reads with date_to exactly in [from, end-date], both edges included', async () => {
    const dates = new Set(sql<{ read_date: string }>(`SELECT DISTINCT read_date FROM reads`).map((row) => row.read_date))
    const dayBefore = (date: string) => new Date(Date.parse(date) - 86_400_000).toISOString().slice(0, 10)
    const dayAfter = (date: string) => new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10)
    // Edges with reads on them and on the day just outside.
    const from = [...dates].sort().find((date) => date >= '2025-02-01' && dates.has(dayBefore(date)))!
    const endDate = [...dates].sort().find((date) => date >= '2025-05-01' && dates.has(dayAfter(date)))!
    assert.ok(from && endDate)
    const result = await extract({ from, endDate })
    const rows = readRows(result.files[1]!.path)
    const written = rows.map((row) => row.date_to!).sort()
    assert.equal(written[0], compact(from))
    assert.equal(written.at(-1), compact(endDate))
    assert.equal(rows.length, count(`SELECT COUNT(*) FROM (SELECT DISTINCT meter_id, read_date, days FROM reads WHERE read_date >= ? AND read_date <= ?) periods`, from, endDate))
    assert.equal(result.counts.sourceReadKeys, count(`SELECT COUNT(*) FROM reads WHERE read_date >= ? AND read_date <= ?`, from, endDate))
  })

  it('shows accounts as they stood on the end date: later accounts left out, later inactive dates blank', async () => {
    const asOf = '2025-07-24'
    const result = await extract({ endDate: asOf })
    const customers = readRows(result.files[0]!.path)
    const accounts = new Map(customers.map((row) => [row.account_id!, row]))
    // The first occupant of EM000001 moved out on 2025-07-25, the day after: still active as of the 24th.
    assert.equal(accounts.get('C000001')?.inactive_date, '')
    const openedLater = sql<{ cust_no: string }>(`SELECT cust_no FROM customers WHERE acct_open > ?`, asOf)
    assert.ok(openedLater.length >= 3, 'the fixture has accounts opened after the end date')
    for (const { cust_no } of openedLater) assert.ok(!accounts.has(cust_no), `account ${cust_no} opened after ${asOf}`)
    const closedLater = sql<{ cust_no: string }>(`SELECT cust_no FROM customers WHERE acct_close > ? AND acct_open <= ?`, asOf, asOf)
    assert.ok(closedLater.length >= 3)
    for (const { cust_no } of closedLater) assert.equal(accounts.get(cust_no)?.inactive_date, '', cust_no)
    assert.ok(customers.every((row) => row.active_date! <= compact(asOf) && (row.inactive_date === '' || row.inactive_date! <= compact(asOf))))
    assert.ok(readRows(result.files[1]!.path).every((row) => row.date_to! <= compact(asOf)))

    const afterMoveOut = readRows((await extract({ endDate: '2025-07-30' })).files[0]!.path)
    assert.equal(afterMoveOut.find((row) => row.account_id === 'C000001')?.inactive_date, '20250725')
    assert.ok(!afterMoveOut.some((row) => row.account_id === 'C000002'), 'the next occupant opened on 2025-08-03')
  })

  it('writes a tab as a space, trims and upper-cases the state, and rejects an unmapped estimate flag into the rejects file', async () => {
    const dirty = join(dir, 'dirty')
    mkdirSync(dirty)
    copyFileSync(join(dir, 'homegrown.sqlite'), join(dirty, 'homegrown.sqlite'))
    const db = new Database(join(dirty, 'homegrown.sqlite'))
    db.prepare(`UPDATE customers SET street = 'Schoolhouse' || char(9) || 'Road', st = ' vt ' WHERE cust_no = 'C000003'`).run()
    db.prepare(`UPDATE reads SET est_flag = 'X' WHERE read_id = 3`).run()
    db.close()

    const result = await extract({ mappingFile: mappingFile(undefined, dirty) })
    const [customer, usage] = result.files
    assert.ok(linesOf(customer!.path).includes('A000003\t000002\t\t\t\t\t\tC000003\t20181101\t\t\t\tEM000002\t824\tSchoolhouse Road\t\tSaint-Aubin\tVT\t05401\t\t\t'))
    const em2Reads = count(`SELECT COUNT(*) FROM (SELECT DISTINCT read_date FROM reads WHERE meter_id = 'EM000002') periods`)
    assert.equal(result.counts.cleaned, em2Reads, 'every written read of the account with the tab')
    assert.equal(result.counts.rejected, 1)
    assert.equal(result.counts.written + result.counts.rejected + result.counts.superseded, result.counts.sourceReadKeys)
    assert.ok(!linesOf(usage!.path).some((line) => line.startsWith('EM000001\t') && line.includes('\t20240916\t')), 'the rejected read is not written')
    assert.equal(result.valid, false, 'rejects above max_rejects (0) make the run unfit to send')
    assert.equal(basename(result.rejectsFile!), customer!.fileName.replace(/\.gz$/, '.rejects.tsv'))
    assert.equal(
      readFileSync(result.rejectsFile!, 'utf8'),
      'read_key\tservice_point_id\taccount_id\tdate_to\tcolumn\treason\n3\tEM000001\tC000001\t20240916\tis_estimate\tis_estimate: source value "X" is not in the value map\n',
    )

    const strict = await extract({ mappingFile: mappingFile((text) => text.replace('cleaning: { tab: space,', 'cleaning: { tab: reject,'), dirty) })
    const rejects = readFileSync(strict.rejectsFile!, 'utf8').split('\n').filter((line) => line.includes('\tservice_street_name\t'))
    assert.equal(rejects.length, count(`SELECT COUNT(*) FROM reads WHERE meter_id = 'EM000002'`), 'cleaning: tab: reject rejects each read of that account')
    assert.ok(!readFileSync(strict.rejectsFile!, 'utf8').includes('Schoolhouse'), 'no address in the rejects file')
  })

  it('fails the run and names a read when the join to customers loses its date condition (a fan-out), leaving no file', async () => {
    const outDir = join(dir, 'fan-out')
    const fanOut = mappingFile((text) => text.replace(/on: r\.meter_id = c\.meter_id AND .*\n/, 'on: r.meter_id = c.meter_id\n'))
    await assert.rejects(extract({ mappingFile: fanOut, outDir }), (error: unknown) => {
      assert.ok(error instanceof ToolkitError)
      assert.equal(error.code, 'RECONCILIATION_FAILED')
      assert.match(error.details[0]!, /^read \d+: column customer_id differs between the rows of one read$/)
      return true
    })
    assert.deepEqual(readdirSync(outDir), [])
  })

  it('gives the same files from a hand-written SELECT with a bound :parameter (the escape hatch)', async () => {
    const select = [
      'select: >-',
      '  SELECT r.read_id, r.read_date, r.days, r.kwh, r.est_flag, r.charge, r.revision, r.updated_at AS read_updated_at,',
      '  c.cust_no, c.acct_no, c.house_no, c.street, c.unit, c.city, c.st, c.zip, c.acct_open, c.acct_close, c.meter_id, c.fuel,',
      '  c.updated_at AS customer_updated_at',
      '  FROM reads r JOIN customers c ON r.meter_id = c.meter_id AND r.read_date >= c.acct_open',
      '  AND (c.acct_close IS NULL OR r.read_date <= c.acct_close) WHERE r.revision >= :first_revision',
      'parameters: { first_revision: 1 }',
      '',
    ].join('\n')
    const handWritten = mappingFile((text) =>
      text
        .replace(/^from: [^]*?\n(?=reads:)/m, '')
        .replaceAll('r.updated_at', 'src.read_updated_at')
        .replaceAll('c.updated_at', 'src.customer_updated_at')
        .replace(/\b[rc]\.(?=[a-z])/g, 'src.')
        .replace('reads:\n', `${select}reads:\n`),
    )
    assert.equal(loadMapping(handWritten).mapping.query.kind, 'select')
    const declared = await fullHistory()
    const selected = await extract({ mappingFile: handWritten })
    assert.equal(contentOf(selected.files[0]!.path), contentOf(declared.files[0]!.path))
    assert.equal(contentOf(selected.files[1]!.path), contentOf(declared.files[1]!.path))
  })
})

describe('sample historical extract of the home-grown fixture', () => {
  it('is the same pick for a seed, whole premises with move-ins, dual fuel and inactive accounts', async () => {
    const sample = async (seed: string) => {
      const result = await extract({ phase: 'sample', sampleSize: 50, seed })
      assert.ok(result.valid)
      return { customers: readRows(result.files[0]!.path), usage: readRows(result.files[1]!.path) }
    }
    const first = await sample('1')
    assert.deepEqual(await sample('1'), first)
    assert.notDeepEqual((await sample('2')).customers, first.customers)

    const full = await fullHistory()
    const premises = new Set(first.customers.map((row) => row.premise_id))
    const accounts = new Set(first.customers.map((row) => row.account_id))
    assert.ok(accounts.size >= 50 && accounts.size < 100, `${accounts.size} accounts`)
    assert.deepEqual(first.customers, readRows(full.files[0]!.path).filter((row) => premises.has(row.premise_id)), 'every account of every picked premise')
    const servicePoints = new Set(first.customers.map((row) => row.service_point_id))
    assert.deepEqual(first.usage, readRows(full.files[1]!.path).filter((row) => servicePoints.has(row.service_point_id)), 'every read of their meters')

    const perServicePoint = new Map<string, number>()
    for (const row of first.customers) perServicePoint.set(row.service_point_id!, (perServicePoint.get(row.service_point_id!) ?? 0) + 1)
    assert.ok([...perServicePoint.values()].some((n) => n >= 2), 'a move-out/move-in chain is in the sample')
    const perPremise = new Map<string, Set<string>>()
    for (const row of first.customers) perPremise.set(row.premise_id!, (perPremise.get(row.premise_id!) ?? new Set()).add(row.service_point_id!))
    assert.ok([...perPremise.values()].some((sps) => sps.size === 2), 'a dual-fuel premise is in the sample')
    assert.ok(first.customers.some((row) => row.inactive_date !== ''), 'inactive accounts are in the sample')
  })
})

describe('the home-grown mapping file', () => {
  it('names file:line and key of a mistake, with what was expected', () => {
    const wrongType = mappingFile((text) => text.replace('version_type: number', 'version_type: integer'))
    const line = (path: string, pattern: RegExp) => readFileSync(path, 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1
    assert.throws(
      () => loadMapping(wrongType),
      (error: unknown) =>
        error instanceof ToolkitError &&
        error.code === 'MAPPING_INVALID' &&
        error.details.join('\n') === `${wrongType}:${line(wrongType, /^  version_type:/)} reads.version_type: "integer" is not allowed (expected one of timestamp, number)`,
    )
    const bothPeriods = mappingFile((text) => text.replace('  duration: r.days\n', '  duration: r.days\n  start_date: r.read_date\n'))
    assert.throws(
      () => loadMapping(bothPeriods),
      (error: unknown) =>
        error instanceof ToolkitError && error.details.includes(`${bothPeriods}:${line(bothPeriods, /^reads:/)} reads: give exactly one of reads.start_date and reads.duration`),
    )
  })
})
