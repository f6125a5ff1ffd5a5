import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import knexFactory from 'knex'
import oracledb from 'oracledb'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { mapColumnValue } from '../../src/extract/map-column-value.js'
import { createSource } from '../../src/source/create-source.js'
import { oracleDriverSetup } from '../../src/source/dialects/oracle-connection.js'
import { OracleDialect } from '../../src/source/dialects/oracle-dialect.js'
import { oracleFetchType } from '../../src/source/dialects/oracle-values.js'
import { toSourceText } from '../../src/source/source-value.js'
import { ccbMapping, compiledPhases, outsideLiterals } from './compiled-phases.js'

// node-oracledb's own wire codec and fetch-type resolution (thin mode), used without a server.
const requireDriver = createRequire(import.meta.url)
const { GrowableBuffer } = requireDriver('oracledb/lib/impl/datahandlers/buffer.js') as {
  GrowableBuffer: new (initializer?: Buffer) => {
    buf: Buffer
    pos: number
    writeOracleNumber(value: string): void
    writeOracleDate(date: Date, type: unknown): void
    readOracleNumber(): string | null
    readOracleDate(useLocalTime: boolean): Date
  }
}
const ResultSetImpl = requireDriver('oracledb/lib/impl/resultset.js') as {
  prototype: { _determineFetchType(metadata: object, options: object, all: object[]): void }
}

/** A column value as the thin driver decodes it from the wire, then converts it for the fetch type our handler picks. */
function fetched(dbType: unknown, wire: (buffer: InstanceType<typeof GrowableBuffer>) => void, read: (buffer: InstanceType<typeof GrowableBuffer>) => unknown, handler: typeof oracleFetchType | null = oracleFetchType): unknown {
  const written = new GrowableBuffer()
  wire(written)
  const value = read(new GrowableBuffer(written.buf.subarray(0, written.pos)))
  const metadata: { name: string; dbType: unknown; converter?: (value: unknown) => unknown; fetchType?: unknown } = { name: 'F0', dbType }
  ResultSetImpl.prototype._determineFetchType.call({}, metadata, handler ? { fetchTypeHandler: handler } : {}, [metadata])
  return metadata.converter ? metadata.converter(value) : value
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

const dialect = new OracleDialect()
const oracle = ccbMapping(`
source:
  dialect: oracle
  connection:
    connect_string: dbhost:1521/CCBPRD
    user: \${env:CCB_USER}
    password: \${env:CCB_PASSWORD}
`)
after(() => oracle.dispose())

describe('oracle dialect (no live server): SQL of every extract phase', () => {
  const statements = compiledPhases(oracle.mapping, dialect, 900)

  it('sends every value as a :n bind, one placeholder per binding, none spliced into the SQL', () => {
    for (const { phase, sql, bindings } of statements) {
      const native = dialect.toNative(sql, bindings)
      const binds = [...outsideLiterals(native.sql).matchAll(/:(\d+)/g)].map((match) => Number(match[1]))
      assert.deepEqual(binds, bindings.map((_, i) => i + 1), phase)
      assert.equal(native.placeholders, bindings.length, phase)
      assert.doesNotMatch(outsideLiterals(native.sql), /\?/, phase)
      for (const value of bindings) assert.ok(!native.sql.includes(String(value)), `${phase}: ${String(value)} spliced into the SQL`)
    }
  })

  it("keeps a '?' inside a string literal or comment as text (knex's Oracle rewriting counts it as a bind)", () => {
    const sql = "SELECT CASE WHEN pn.ENTITY_NAME = '?' THEN 'what?' END /* why? */ FROM CI_PER_NAME pn WHERE pn.PER_ID = ?"
    assert.equal(dialect.toNative(sql, ['1']).sql, "SELECT CASE WHEN pn.ENTITY_NAME = '?' THEN 'what?' END /* why? */ FROM CI_PER_NAME pn WHERE pn.PER_ID = :1")
    const knex = knexFactory({ client: 'oracledb' })
    assert.throws(() => knex.raw(sql, ['1']).toSQL(), /Expected 1 bindings, saw 4/)
  })

  it('formats dates and timestamps in SQL and compares read dates with TO_DATE of a text bind', () => {
    const sample = statements.find((statement) => statement.phase === 'sample: reads')!
    const reads = dialect.toNative(sample.sql, sample.bindings)
    assert.match(reads.sql, /TO_CHAR\(bs\.END_DT, 'YYYYMMDD'\) AS f1/)
    assert.match(reads.sql, /TO_CHAR\(sa\.START_DT, 'YYYYMMDD'\)/)
    assert.match(reads.sql, /TO_CHAR\(CAST\(bs\.STAT_CHG_DTTM AS TIMESTAMP\), 'YYYY-MM-DD HH24:MI:SS\.FF6'\)/)
    assert.match(reads.sql, /bs\.END_DT >= TO_DATE\(:1, 'YYYY-MM-DD'\)\s+AND bs\.END_DT < TO_DATE\(:2, 'YYYY-MM-DD'\)/)
    for (const { bindings } of statements) assert.ok(bindings.every((value) => typeof value === 'string'), 'every bind is text, never a JS Date')
  })

  it('binds every incremental window bound through the conversion, in both incremental phases', () => {
    const incremental = statements.filter((statement) => statement.phase.includes('incremental'))
    assert.ok(incremental.length >= 2)
    for (const { phase, sql, bindings } of incremental) {
      const native = dialect.toNative(sql, bindings).sql
      const bounds = bindings.filter((value) => /^\d{4}-\d{2}-\d{2} \d{2}:/.test(String(value))).length
      assert.ok(bounds >= 2, phase)
      assert.equal([...native.matchAll(/TO_TIMESTAMP\(:\d+, 'YYYY-MM-DD HH24:MI:SS\.FF'\)/g)].length, bounds, `${phase}: every timestamp bound is converted in SQL`)
    }
  })

  it('converts an incremental window bound in SQL from text, never through the session NLS format', () => {
    const sql = `SELECT 1 FROM CI_BSEG bs WHERE bs.STAT_CHG_DTTM >= ${dialect.timestampParam()} AND bs.STAT_CHG_DTTM < ${dialect.timestampParam()}`
    assert.equal(
      dialect.toNative(sql, ['2026-11-20 06:00:00.25', '2026-11-29 23:00:00']).sql,
      "SELECT 1 FROM CI_BSEG bs WHERE bs.STAT_CHG_DTTM >= TO_TIMESTAMP(:1, 'YYYY-MM-DD HH24:MI:SS.FF') AND bs.STAT_CHG_DTTM < TO_TIMESTAMP(:2, 'YYYY-MM-DD HH24:MI:SS.FF')",
    )
  })

  it('reads the clock from SYSTIMESTAMP, which does not follow the session time zone the thin driver sets from this host', () => {
    const clock = dialect.currentTimestampQuery()
    assert.equal(clock, `SELECT TO_CHAR(SYSTIMESTAMP, 'YYYY-MM-DD HH24:MI:SS.FF6') FROM DUAL`)
    assert.doesNotMatch(clock, /LOCALTIMESTAMP|CURRENT_/)
  })

  it('keeps IN lists within 1000 values (ORA-01795) and refuses a longer one', () => {
    const at = (count: number) => compiledPhases(oracle.mapping, dialect, count).find((statement) => statement.phase === 'sample: reads')!
    assert.equal(dialect.toNative(at(900).sql, at(900).bindings).longestList, 900)
    assert.equal(dialect.toNative(at(1000).sql, at(1000).bindings).longestList, 1000)
    assert.throws(() => dialect.toNative(at(1001).sql, at(1001).bindings), /IN list of 1001 values exceeds Oracle's limit of 1000 \(ORA-01795\)/)
  })

  it('refuses to bind a JS Date and a placeholder count that differs from the bindings', () => {
    assert.throws(() => dialect.toNative('SELECT 1 FROM DUAL WHERE d >= TO_DATE(?, :x)', [new Date()]), /JS Date cannot be bound/)
    assert.throws(() => dialect.toNative('SELECT ? FROM DUAL', []), /1 placeholders but 0 values/)
  })

  it('looks up indexes in the data dictionary by bound, upper-cased names (check)', () => {
    assert.deepEqual(dialect.indexLeadingColumnsQuery('cisadm.ci_bseg'), {
      sql: 'SELECT column_name FROM all_ind_columns WHERE table_name = ? AND column_position = 1 AND table_owner = ?',
      bindings: ['CI_BSEG', 'CISADM'],
    })
    assert.deepEqual(dialect.indexLeadingColumnsQuery('"MixedCase"').bindings, ['MixedCase'])
  })

  it('upper-cases the identifiers knex quotes (Oracle stores unquoted names in upper case)', async () => {
    const knex = knexFactory(dialect.createKnexConfig({ connect_string: 'dbhost:1521/CCBPRD' }))
    try {
      const native = knex('ci_acct').select('acct_id').where('cis_division', 'X').toSQL().toNative()
      assert.equal(native.sql, 'select "ACCT_ID" from "CI_ACCT" where "CIS_DIVISION" = :1')
      assert.deepEqual(native.bindings, ['X'])
    } finally {
      await knex.destroy()
    }
  })
})

describe('oracle dialect (no live server): values as node-oracledb thin mode delivers them', () => {
  it('NUMBER arrives as exact decimal text (the default fetch would round it through parseFloat)', () => {
    const number = (text: string, handler: typeof oracleFetchType | null = oracleFetchType) =>
      fetched(oracledb.DB_TYPE_NUMBER, (b) => b.writeOracleNumber(text), (b) => b.readOracleNumber(), handler)
    assert.equal(number('12345678901234567890.12'), '12345678901234567890.12')
    assert.equal(number('9007199254740993'), '9007199254740993')
    assert.equal(number('-0.5'), '-0.5')
    assert.equal(number('0.000123'), '0.000123')
    assert.equal(number('9007199254740993', null), 9007199254740992, 'without the handler the driver rounds')
  })

  it('an unformatted DATE keeps the wall clock it holds, whatever the host time zone (the driver builds a local-time Date)', () => {
    const zone = process.env.TZ
    process.env.TZ = 'Asia/Tokyo'
    try {
      const value = fetched(
        oracledb.DB_TYPE_DATE,
        (b) => b.writeOracleDate(new Date(2024, 2, 10, 23, 30, 5), oracledb.DB_TYPE_DATE),
        (b) => b.readOracleDate(true),
      )
      assert.equal(value, '2024-03-10 23:30:05.000')
    } finally {
      process.env.TZ = zone
    }
  })

  it("'' is NULL in Oracle: the row carries null and the column is written exactly as an empty value would be", () => {
    assert.equal(toSourceText(null), null)
    const rule = oracle.mapping.columns.get('is_estimate')!
    assert.deepEqual(mapColumnValue(rule, null), mapColumnValue(rule, ''))
    assert.deepEqual(mapColumnValue(rule, null), { ok: true, value: 'E' })
  })
})

describe('oracle dialect (no live server): connection settings from the mapping', () => {
  it('uses thin mode by default, with config_dir and the wallet passed to getConnection', () => {
    const setup = oracleDriverSetup({ connect_string: 'billing', config_dir: '/etc/ora', wallet_location: '/etc/ora/wallet', wallet_password: 'pw', call_timeout: 30 })
    assert.deepEqual(setup, {
      mode: 'thin',
      attributes: { configDir: '/etc/ora', walletLocation: '/etc/ora/wallet', walletPassword: 'pw' },
      callTimeoutMs: 30_000,
    })
  })

  it('starts thick mode only when asked, with lib_dir and config_dir for initOracleClient', () => {
    const setup = oracleDriverSetup({ connect_string: 'billing', thick: true, lib_dir: '/opt/instantclient_23_5', config_dir: '/etc/ora' })
    assert.deepEqual(setup, { mode: 'thick', attributes: {}, clientLibraries: { libDir: '/opt/instantclient_23_5', configDir: '/etc/ora' }, callTimeoutMs: 0 })
  })

  it('names source.connection.connect_string when it is missing', () => {
    assert.throws(
      () => dialect.createKnexConfig({ user: 'x' }),
      (error: unknown) => error instanceof ToolkitError && error.code === 'MAPPING_INVALID' && /source\.connection\.connect_string is required/.test(error.message),
    )
  })

  it('an unreachable host fails with SOURCE_CONNECT_FAILED naming source.connection and the connect string (real thin driver)', async () => {
    const port = await closedPort()
    const { mapping, dispose } = ccbMapping(`
source:
  dialect: oracle
  connection:
    connect_string: 127.0.0.1:${port}/CCBPRD?connect_timeout=5
    user: ccb_read
    password: \${env:CCB_PASSWORD}
`)
    const source = createSource(mapping, { env: { CCB_PASSWORD: 'secret' } })
    try {
      await assert.rejects(source.query('SELECT 1 FROM DUAL', []), (error: unknown) => {
        assert.ok(error instanceof ToolkitError)
        assert.equal(error.code, 'SOURCE_CONNECT_FAILED')
        assert.match(error.message, new RegExp(`source\\.connection: cannot reach the oracle database \\(127\\.0\\.0\\.1:${port}/CCBPRD`))
        assert.match(error.message, /NJS-503/)
        assert.doesNotMatch(error.message, /secret/)
        return true
      })
    } finally {
      await source.close()
      dispose()
    }
  })

  it('a TNS alias is looked up in config_dir/tnsnames.ora by the real thin driver', async () => {
    const port = await closedPort()
    const dir = mkdtempSync(join(tmpdir(), 'opx-tns-'))
    writeFileSync(join(dir, 'tnsnames.ora'), `CCBPRD = (DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=127.0.0.1)(PORT=${port}))(CONNECT_DATA=(SERVICE_NAME=CCBPRD)))\n`)
    const attempt = async (configDir: string | undefined) => {
      const { mapping, dispose } = ccbMapping(`
source:
  dialect: oracle
  connection:
    connect_string: CCBPRD
${configDir ? `    config_dir: ${configDir}\n` : ''}    user: ccb_read
    password: \${env:CCB_PASSWORD}
`)
      const source = createSource(mapping, { env: { CCB_PASSWORD: 'secret' } })
      try {
        return await source.query('SELECT 1 FROM DUAL', []).then(
          () => assert.fail('connected'),
          (error: unknown) => error as ToolkitError,
        )
      } finally {
        await source.close()
        dispose()
      }
    }
    try {
      const found = await attempt(dir)
      assert.equal(found.code, 'SOURCE_CONNECT_FAILED')
      assert.match(found.message, new RegExp(`port ${port}`), 'the alias resolved to the address in tnsnames.ora')
      const missing = await attempt(undefined)
      assert.equal(missing.code, 'SOURCE_CONNECT_FAILED')
      assert.match(missing.message, /tnsnames\.ora|NJS-51[67]/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('oracle dialect (no live server): errors sorted into what the user must fix', () => {
  const cases: [string, string, object | undefined][] = [
    ['ORA-00942', 'ORA-00942: table or view "CISADM"."CI_BSEG_X" does not exist', { kind: 'missing-table', object: 'CI_BSEG_X' }],
    ['ORA-00904', 'ORA-00904: "SQ"."BILL_QTY": invalid identifier', { kind: 'missing-column', object: 'BILL_QTY' }],
    ['ORA-01017', 'ORA-01017: invalid credential or not authorized; logon denied', { kind: 'access' }],
    ['NJS-503', 'NJS-503: connection to host 127.0.0.1 port 1 could not be established', { kind: 'unreachable' }],
    ['ORA-03113', 'ORA-03113: end-of-file on communication channel', { kind: 'lost' }],
    ['ORA-00028', 'ORA-00028: your session has been killed', { kind: 'lost' }],
    ['ORA-00923', 'ORA-00923: FROM keyword not found where expected', { kind: 'query' }],
  ]
  for (const [code, message, expected] of cases) {
    it(`${code} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(dialect.classifyError(Object.assign(new Error(message), { code })), expected)
    })
  }
  it('an error that is not the database’s is left alone', () => {
    assert.equal(dialect.classifyError(new TypeError('x is not a function')), undefined)
  })
})

const QueryStream = requireDriver('oracledb/lib/queryStream.js') as new (resultSet: object) => unknown

/**
 * A stand-in for one pooled node-oracledb connection: `queryStream` returns the driver's own QueryStream
 * over a result set that counts how many rows were asked of it. Only the network part is missing.
 */
class RecordingConnection {
  readonly statements: string[] = []
  readonly streamOptions: Record<string, unknown>[] = []
  fetchedRows = 0
  resultSetClosed = false
  committed = false
  callTimeout = 0
  disconnected: number | undefined
  // thin mode's network session, as the driver keeps it
  readonly _impl = { nscon: { disconnect: (mode: number) => void (this.disconnected = mode) } }
  constructor(private readonly rowCount: number) {}

  async execute(sql: string): Promise<{ rows: unknown[][] }> {
    this.statements.push(sql)
    return { rows: [] }
  }

  queryStream(sql: string, _binds: unknown[], options: Record<string, unknown>): unknown {
    this.statements.push(sql)
    this.streamOptions.push(options)
    const resultSet = {
      metaData: [{ name: 'F0' }],
      _allowGetRowCall: false,
      getRow: async () => (this.fetchedRows < this.rowCount ? [String(++this.fetchedRows)] : undefined),
      _impl: { close: async () => void (this.resultSetClosed = true) },
    }
    return new QueryStream(resultSet)
  }

  async commit(): Promise<void> {
    this.committed = true
  }

  async close(): Promise<void> {}
}
function poolOf(connection: object): { knex: never; released: () => number } {
  let released = 0
  const knex = { client: { acquireConnection: async () => connection, releaseConnection: async () => void released++ } }
  return { knex: knex as never, released: () => released }
}

describe('oracle dialect (no live server): sessions on the driver’s own query stream', () => {
  it('starts a snapshot with SET TRANSACTION READ ONLY, fetches only as fast as rows are taken, and commits at the end', async () => {
    const connection = new RecordingConnection(20_000)
    const pool = poolOf(connection)
    const session = await dialect.openSession(pool.knex, { snapshot: true })
    assert.deepEqual(connection.statements, ['SET TRANSACTION READ ONLY'])
    let taken = 0
    let furthestAhead = 0
    for await (const row of session.streamRows('SELECT bs.BSEG_ID FROM CI_BSEG bs WHERE bs.END_DT >= TO_DATE(?, \'YYYY-MM-DD\')', ['2025-01-01'])) {
      taken++
      assert.equal(row[0], String(taken))
      furthestAhead = Math.max(furthestAhead, connection.fetchedRows - taken)
      if (taken % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    }
    assert.equal(taken, 20_000)
    assert.ok(furthestAhead <= 32, `the driver ran ${furthestAhead} rows ahead of the consumer`)
    assert.equal(connection.statements[1], "SELECT bs.BSEG_ID FROM CI_BSEG bs WHERE bs.END_DT >= TO_DATE(:1, 'YYYY-MM-DD')")
    const options = connection.streamOptions[0]!
    assert.equal(options.outFormat, oracledb.OUT_FORMAT_ARRAY)
    assert.equal(options.fetchArraySize, 1000)
    assert.equal(options.prefetchRows, 1000)
    assert.equal(options.fetchTypeHandler, oracleFetchType)
    await session.end()
    assert.ok(connection.committed, 'the read-only transaction is ended')
    assert.equal(pool.released(), 1)
  })

  it('leaving a stream early closes the result set before the connection is used again', async () => {
    const connection = new RecordingConnection(1_000_000)
    const session = await dialect.openSession(poolOf(connection).knex, { snapshot: false })
    for await (const row of session.streamRows('SELECT 1 FROM DUAL', [], { batchSize: 250 })) if (row[0] === '10') break
    assert.ok(connection.resultSetClosed)
    assert.ok(connection.fetchedRows < 100, `${connection.fetchedRows} rows fetched for 10 taken`)
    assert.equal(connection.streamOptions[0]!.fetchArraySize, 250)
    await session.end()
    assert.equal(connection.committed, false, 'no transaction to end without a snapshot')
  })

  it('a destroyed session drops the socket at once (no logoff round trip to a database that may be gone) and is never reused', async () => {
    const connection = new RecordingConnection(10)
    const session = await dialect.openSession(poolOf(connection).knex, { snapshot: true })
    await session.destroy()
    assert.equal(connection.disconnected, 0x40)
    assert.ok((connection as unknown as { __knex__disposed?: unknown }).__knex__disposed)
    assert.equal(connection.committed, false)
  })

  it('every new connection gets a UTC session time zone, "." as decimal separator and call_timeout', async () => {
    const config = dialect.createKnexConfig({ connect_string: 'dbhost:1521/CCBPRD', call_timeout: 120 })
    const connection = new RecordingConnection(0)
    const afterCreate = (config.pool as { afterCreate(conn: unknown, done: (error: Error | null) => void): void }).afterCreate
    await new Promise<void>((resolve, reject) => afterCreate(connection, (error) => (error ? reject(error) : resolve())))
    assert.deepEqual(connection.statements, [`ALTER SESSION SET TIME_ZONE = '+00:00'`, `ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'`])
    assert.equal(connection.callTimeout, 120_000)
  })
})
