import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { createServer } from 'node:net'
import { after, describe, it } from 'node:test'
import knexFactory from 'knex'
import { Connection, ISOLATION_LEVEL, TYPES, type Request } from 'tedious'
import { readValue } from 'tedious/lib/value-parser.js'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { createSource } from '../../src/source/create-source.js'
import { MSSQL_MAX_PARAMETERS, MssqlDialect } from '../../src/source/dialects/mssql-dialect.js'
import { mssqlParameterType, mssqlValueText } from '../../src/source/dialects/mssql-values.js'
import type { ConnectionValues } from '../../src/source/source-dialect.js'
import { ccbMapping, compiledPhases, outsideLiterals } from './compiled-phases.js'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The tedious connection configuration knex builds from our knex configuration (knex's own code). */
function tediousConfigOf(connection: ConnectionValues): ConstructorParameters<typeof Connection>[0] {
  const knex = knexFactory(new MssqlDialect().createKnexConfig(connection))
  const config = (knex.client as unknown as { _generateConnection(): ConstructorParameters<typeof Connection>[0] })._generateConnection()
  void knex.destroy()
  return config
}

const dialect = new MssqlDialect()
const mssql = ccbMapping(`
source:
  dialect: mssql
  connection:
    host: sqlbilling
    database: CCB
    user: \${env:CCB_USER}
    password: \${env:CCB_PASSWORD}
`)
after(() => mssql.dispose())

describe('mssql dialect (no live server): SQL of every extract phase', () => {
  const statements = compiledPhases(mssql.mapping, dialect, 900)

  it('sends every value as an @pN parameter, one per binding, none spliced into the SQL', () => {
    for (const { phase, sql, bindings } of statements) {
      const native = dialect.toNative(sql, bindings)
      const names = [...outsideLiterals(native.sql).matchAll(/@p(\d+)/g)].map((match) => Number(match[1]))
      assert.deepEqual(names, bindings.map((_, i) => i), phase)
      assert.doesNotMatch(outsideLiterals(native.sql), /\?/, phase)
      for (const value of bindings) assert.ok(!native.sql.includes(String(value)), `${phase}: ${String(value)} spliced into the SQL`)
    }
  })

  it("keeps a '?' in a literal, a [bracketed] identifier or a comment as text", () => {
    assert.equal(dialect.toNative("SELECT [why?], 'what?' FROM t WHERE a = ? -- or?\n", ['1']).sql, "SELECT [why?], 'what?' FROM t WHERE a = @p0 -- or?\n")
  })

  it('formats dates, timestamps and numbers in SQL and reads date parameters as yyyy-mm-dd whatever the language', () => {
    const sample = statements.find((statement) => statement.phase === 'sample: reads')!
    const { sql } = dialect.toNative(sample.sql, sample.bindings)
    assert.match(sql, /CONVERT\(char\(8\), bs\.END_DT, 112\) AS f1/)
    assert.match(sql, /CONVERT\(char\(8\), sa\.START_DT, 112\)/)
    assert.match(sql, /CONVERT\(varchar\(26\), CAST\(bs\.STAT_CHG_DTTM AS datetime2\(6\)\), 121\)/)
    assert.match(sql, /CONVERT\(varchar\(64\), sq\.BILL_SQ, 2\)/)
    assert.match(sql, /bs\.END_DT >= CONVERT\(date, @p0, 23\)\s+AND bs\.END_DT < CONVERT\(date, @p1, 23\)/)
    for (const { bindings } of statements) assert.ok(bindings.every((value) => typeof value === 'string'), 'every bind is text, never a JS Date')
  })

  it('looks up indexes through OBJECT_ID of the bound table name (check)', () => {
    const query = dialect.indexLeadingColumnsQuery('dbo.CI_BSEG')
    assert.deepEqual(query.bindings, ['dbo.CI_BSEG'])
    assert.equal(dialect.toNative(query.sql, query.bindings).placeholders, 1)
  })

  it('binds every incremental window bound through the conversion, in both incremental phases', () => {
    const incremental = statements.filter((statement) => statement.phase.includes('incremental'))
    assert.ok(incremental.length >= 2)
    for (const { phase, sql, bindings } of incremental) {
      const native = dialect.toNative(sql, bindings).sql
      const bounds = bindings.filter((value) => /^\d{4}-\d{2}-\d{2} \d{2}:/.test(String(value))).length
      assert.ok(bounds >= 2, phase)
      assert.equal([...native.matchAll(/CONVERT\(datetime2\(7\), @p\d+, 121\)/g)].length, bounds, `${phase}: every timestamp bound is converted in SQL`)
    }
  })

  it('converts an incremental window bound in SQL from text (style 121), so DATETIME columns never parse six fractional digits', () => {
    const sql = `SELECT 1 FROM CI_BSEG bs WHERE bs.STAT_CHG_DTTM >= ${dialect.timestampParam()}`
    assert.equal(dialect.toNative(sql, ['2026-11-20 06:00:00.123456']).sql, 'SELECT 1 FROM CI_BSEG bs WHERE bs.STAT_CHG_DTTM >= CONVERT(datetime2(7), @p0, 121)')
  })

  it('reads the clock from SYSDATETIME(), the server clock GETDATE() columns are written on', () => {
    assert.equal(dialect.currentTimestampQuery(), 'SELECT CONVERT(varchar(26), CAST(SYSDATETIME() AS datetime2(6)), 121)')
  })

  it(`stays within ${MSSQL_MAX_PARAMETERS} parameters per request (2100 less sp_executesql's two) and refuses more`, () => {
    const at = (premises: number) => compiledPhases(mssql.mapping, dialect, premises).find((statement) => statement.phase === 'sample: reads')!
    assert.equal(at(900).bindings.length, 902)
    assert.equal(dialect.toNative(at(2096).sql, at(2096).bindings).placeholders, 2098)
    assert.throws(() => dialect.toNative(at(2097).sql, at(2097).bindings), /2099 parameters exceed SQL Server's limit of 2098/)
  })
})

describe('mssql dialect (no live server): values as tedious delivers them', () => {
  const parse = (type: { name: string }, bytes: Buffer, extra: object = {}) =>
    readValue(bytes, 0, { type, ...extra } as never, { useUTC: true } as never).value

  it('DATETIME and DATE keep the stored wall clock (tedious puts it in UTC fields), whatever the host zone', () => {
    const zone = process.env.TZ
    process.env.TZ = 'America/Chicago'
    try {
      // 2024-03-10 02:30:00 does not exist in Chicago (DST gap): a local-time Date would read 03:30.
      const days = (Date.UTC(2024, 2, 10) - Date.UTC(1900, 0, 1)) / 86_400_000
      const datetime = Buffer.alloc(8)
      datetime.writeInt32LE(days, 0)
      datetime.writeInt32LE((2 * 3600 + 30 * 60) * 300 + 37, 4)
      const value = parse(TYPES.DateTime, datetime)
      assert.ok(value instanceof Date)
      assert.equal(mssqlValueText({ value, metadata: { type: TYPES.DateTime } }), '2024-03-10 02:30:00.123')
      const date = Buffer.alloc(4)
      date.writeUInt8(3, 0)
      // DATE on the wire: days since 0001-01-01; 2000-01-01 is day 730119.
      date.writeUIntLE((Date.UTC(2024, 2, 10) - Date.UTC(2000, 0, 1)) / 86_400_000 + 730119, 1, 3)
      assert.equal(mssqlValueText({ value: parse(TYPES.Date, date), metadata: { type: TYPES.Date } }), '2024-03-10')
    } finally {
      process.env.TZ = zone
    }
  })

  it('BIGINT arrives as exact text; DECIMAL arrives as a rounded JS number, which is why numbers are converted in SQL', () => {
    const bigint = Buffer.alloc(8)
    bigint.writeBigInt64LE(9007199254740993n)
    assert.equal(mssqlValueText({ value: parse(TYPES.BigInt, bigint), metadata: { type: TYPES.BigInt } }), '9007199254740993')
    // DECIMAL(38,2) 12345678901234567890.12 on the wire: length 17, sign 1, 128-bit unscaled value.
    const decimal = Buffer.alloc(18)
    decimal.writeUInt8(17, 0)
    decimal.writeUInt8(1, 1)
    const unscaled = 1234567890123456789012n
    decimal.writeBigUInt64LE(unscaled & 0xffffffffffffffffn, 2)
    decimal.writeBigUInt64LE(unscaled >> 64n, 10)
    const value = parse({ name: 'DecimalN' }, decimal, { precision: 38, scale: 2 })
    assert.equal(typeof value, 'number')
    assert.notEqual(mssqlValueText({ value, metadata: { type: { name: 'DecimalN' } } }), '12345678901234567890.12')
    assert.equal(mssqlValueText({ value: '12345678901234567890.12', metadata: { type: TYPES.VarChar } }), '12345678901234567890.12')
  })

  it('binds ASCII text as VARCHAR (index-friendly), other text as NVARCHAR, integers as INT/BIGINT, and refuses a JS Date', () => {
    assert.equal(mssqlParameterType('2025-01-01'), TYPES.VarChar)
    assert.equal(mssqlParameterType('Zoë'), TYPES.NVarChar)
    assert.equal(mssqlParameterType(42), TYPES.Int)
    assert.equal(mssqlParameterType(2 ** 40), TYPES.BigInt)
    assert.equal(mssqlParameterType(1.5), TYPES.VarChar)
    assert.throws(() => mssqlParameterType(new Date()), /cannot bind a JS Date/)
  })
})

describe('mssql dialect (no live server): connection settings from the mapping', () => {
  it('encrypts and verifies the certificate, with no request timeout and explicit connect/cancel timeouts (knex would default to encrypt: false, 15 s)', () => {
    const config = tediousConfigOf({ host: 'sqlbilling', database: 'CCB', user: 'ccb_read', password: 'pw' })
    assert.equal(config.server, 'sqlbilling')
    assert.equal(config.authentication?.type, 'default')
    assert.equal((config.authentication?.options as { userName?: string }).userName, 'ccb_read')
    assert.equal((config.authentication?.options as { password?: string }).password, 'pw')
    const options = config.options!
    assert.equal(options.encrypt, true)
    assert.equal(options.trustServerCertificate, false)
    assert.equal(options.requestTimeout, 0)
    assert.equal(options.connectTimeout, 30_000)
    assert.equal(options.cancelTimeout, 5000)
    assert.equal(options.useUTC, true)
    assert.equal(options.rowCollectionOnRequestCompletion, false)
    assert.equal(options.port, 1433)
    // tedious itself accepts the configuration (it validates every option when constructed; it connects only on connect()).
    assert.equal(new Connection(config).config.options.requestTimeout, 0)
  })

  it('domain switches to NTLM; trusting a self-signed certificate, a named instance and a request timeout are explicit opt-ins', () => {
    const config = tediousConfigOf({
      host: 'sqlbilling',
      instance_name: 'BILLING',
      domain: 'UTILITY',
      user: 'svc_extract',
      password: 'pw',
      trust_server_certificate: true,
      request_timeout: 600,
      read_only_intent: true,
    })
    assert.equal(config.authentication?.type, 'ntlm')
    assert.equal((config.authentication?.options as { domain?: string }).domain, 'UTILITY')
    assert.equal(config.options?.trustServerCertificate, true)
    assert.equal(config.options?.instanceName, 'BILLING')
    assert.equal(config.options?.port, undefined)
    assert.equal(config.options?.requestTimeout, 600_000)
    assert.equal(config.options?.readOnlyIntent, true)
    assert.equal(new Connection(config).config.authentication.type, 'ntlm')
    assert.equal(tediousConfigOf({ host: 'h', encrypt: false }).options?.encrypt, false)
  })

  it('names source.connection.host when it is missing', () => {
    assert.throws(() => dialect.createKnexConfig({ database: 'CCB' }), (error: unknown) => error instanceof ToolkitError && /source\.connection\.host is required/.test(error.message))
  })

  it('an unreachable host fails with SOURCE_CONNECT_FAILED naming source.connection and the address (real tedious driver)', async () => {
    const port = await closedPort()
    const { mapping, dispose } = ccbMapping(`
source:
  dialect: mssql
  connection:
    host: 127.0.0.1
    port: ${port}
    database: CCB
    user: ccb_read
    password: \${env:CCB_PASSWORD}
`)
    const source = createSource(mapping, { env: { CCB_PASSWORD: 'secret' } })
    try {
      await assert.rejects(source.query('SELECT 1', []), (error: unknown) => {
        assert.ok(error instanceof ToolkitError)
        assert.equal(error.code, 'SOURCE_CONNECT_FAILED')
        assert.match(error.message, new RegExp(`source\\.connection: cannot reach the mssql database \\(127\\.0\\.0\\.1:${port}/CCB\\)`))
        assert.match(error.message, new RegExp(`Failed to connect to 127\\.0\\.0\\.1:${port}`))
        assert.doesNotMatch(error.message, /secret/)
        return true
      })
    } finally {
      await source.close()
      dispose()
    }
  })
})

type PumpedRequest = Request & { callback(error: Error | undefined, rowCount: number): void }

/**
 * A stand-in for one pooled tedious connection: it answers the real tedious Request it is given with
 * rows as fast as the request lets it (a paused request gets none until resumed), like tedious's token
 * parser does, and records transactions. Only the network part is missing.
 */
class RowPump extends EventEmitter {
  sent = 0
  readonly statements: string[] = []
  readonly transactions: (number | undefined)[] = []
  committed = false
  cancelled = false
  #current: PumpedRequest | undefined

  constructor(
    private readonly rowCount: number,
    private readonly answers: Record<string, string[]> = {},
  ) {
    super()
  }

  execSql(request: Request): void {
    const current = request as PumpedRequest
    this.#current = current
    const sql = (request as unknown as { sqlTextOrProcedure: string }).sqlTextOrProcedure
    this.statements.push(sql)
    const answer = Object.entries(this.answers).find(([start]) => sql.startsWith(start))?.[1]
    if (answer) {
      setImmediate(() => {
        current.emit('row', answer.map((value) => ({ value, metadata: { type: TYPES.VarChar } })))
        current.callback(undefined, 1)
      })
      return
    }
    const pump = () => {
      while (!request.paused && this.sent < this.rowCount && !this.cancelled) {
        this.sent++
        request.emit('row', [{ value: String(this.sent), metadata: { type: TYPES.VarChar } }])
      }
      if (this.cancelled) current.callback(Object.assign(new Error('Canceled.'), { code: 'ECANCEL' }), this.sent)
      else if (this.sent >= this.rowCount) current.callback(undefined, this.sent)
    }
    request.on('resume', () => setImmediate(pump))
    setImmediate(pump)
  }

  cancel(): boolean {
    this.cancelled = true
    if (this.#current?.paused) this.#current.resume()
    return true
  }

  beginTransaction(callback: (error?: Error) => void, _name: string, level?: number): void {
    this.transactions.push(level)
    setImmediate(callback)
  }

  commitTransaction(callback: (error?: Error) => void): void {
    this.committed = true
    setImmediate(callback)
  }

  closed = false
  close(): void {
    this.closed = true
  }
}

function poolOf(connection: object): { knex: never; released: () => number } {
  let released = 0
  const knex = { client: { acquireConnection: async () => connection, releaseConnection: async () => void released++ } }
  return { knex: knex as never, released: () => released }
}

const SNAPSHOT_CHECK = 'SELECT snapshot_isolation_state'

describe('mssql dialect (no live server): sessions on a tedious request', () => {
  it('pauses the request while the consumer is behind and resumes it when it catches up (knex never pauses tedious)', async () => {
    const connection = new RowPump(20_000, { [SNAPSHOT_CHECK]: ['1', '0', 'CCB'] })
    const pool = poolOf(connection)
    const session = await new MssqlDialect().openSession(pool.knex, { snapshot: true })
    assert.deepEqual(connection.transactions, [ISOLATION_LEVEL.SNAPSHOT])
    let taken = 0
    let furthestAhead = 0
    for await (const row of session.streamRows('SELECT sq.BILL_SQ FROM CI_BSEG_SQ sq WHERE sq.BSEG_ID = ?', ['1234567890'])) {
      taken++
      assert.equal(row[0], String(taken))
      furthestAhead = Math.max(furthestAhead, connection.sent - taken)
      if (taken % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    }
    assert.equal(taken, 20_000)
    assert.ok(furthestAhead <= 1000, `tedious ran ${furthestAhead} rows ahead of the consumer`)
    assert.equal(connection.statements.at(-1), 'SELECT sq.BILL_SQ FROM CI_BSEG_SQ sq WHERE sq.BSEG_ID = @p0')
    await session.end()
    assert.ok(connection.committed)
    assert.equal(pool.released(), 1)
  })

  it('leaving a stream early cancels the request and waits until the connection is free', async () => {
    const connection = new RowPump(1_000_000)
    const session = await new MssqlDialect().openSession(poolOf(connection).knex, { snapshot: false })
    for await (const row of session.streamRows('SELECT 1', [], { batchSize: 100 })) if (row[0] === '10') break
    assert.ok(connection.cancelled)
    assert.ok(connection.sent <= 100, `${connection.sent} rows produced for 10 taken with batchSize 100`)
    assert.deepEqual(connection.transactions, [])
    await session.end()
  })

  it('falls back to READ COMMITTED when the database reads committed rows from versions, and says what to change when it does not', async () => {
    const rcsi = new RowPump(0, { [SNAPSHOT_CHECK]: ['0', '1', 'CCB'] })
    await (await new MssqlDialect().openSession(poolOf(rcsi).knex, { snapshot: true })).end()
    assert.deepEqual(rcsi.transactions, [ISOLATION_LEVEL.READ_COMMITTED])

    const locking = new RowPump(0, { [SNAPSHOT_CHECK]: ['0', '0', 'CCB'] })
    await assert.rejects(new MssqlDialect().openSession(poolOf(locking).knex, { snapshot: true }), (error: unknown) => {
      assert.ok(error instanceof ToolkitError)
      assert.match(error.message, /source\.connection\.isolation: database CCB does not allow SNAPSHOT isolation/)
      assert.match(error.hint ?? '', /ALTER DATABASE \[CCB\] SET ALLOW_SNAPSHOT_ISOLATION ON.*isolation: read_committed/)
      return true
    })

    const optedOut = new MssqlDialect()
    optedOut.createKnexConfig({ host: 'h', isolation: 'read_committed' })
    const plain = new RowPump(0)
    await (await optedOut.openSession(poolOf(plain).knex, { snapshot: true })).end()
    assert.deepEqual(plain.transactions, [ISOLATION_LEVEL.READ_COMMITTED])
    assert.deepEqual(plain.statements, [], 'no snapshot check when the mapping opted out')
  })
})

describe('mssql dialect (no live server): a connection that fails', () => {
  it('reports connection errors to the session and closes the connection for good on destroy', async () => {
    const connection = new RowPump(0)
    const session = await new MssqlDialect().openSession(poolOf(connection).knex, { snapshot: false })
    const lost: string[] = []
    session.onConnectionLost((error) => lost.push(error.message))
    connection.emit('error', new Error('Connection lost - read ECONNRESET'))
    connection.emit('end')
    assert.deepEqual(lost, ['Connection lost - read ECONNRESET', 'the server closed the connection'])
    await session.destroy()
    assert.equal(connection.listenerCount('error') + connection.listenerCount('end'), 0, 'no listener left on the pooled connection')
    assert.ok(connection.closed)
    assert.ok((connection as unknown as { __knex__disposed?: unknown }).__knex__disposed)
  })
})

describe('mssql dialect (no live server): errors sorted into what the user must fix', () => {
  const cases: [object, object | undefined][] = [
    [{ number: 208, code: 'EREQUEST', message: "Invalid object name 'dbo.CI_BSEG_X'." }, { kind: 'missing-table', object: 'dbo.CI_BSEG_X' }],
    [{ number: 207, code: 'EREQUEST', message: "Invalid column name 'BILL_QTY'." }, { kind: 'missing-column', object: 'BILL_QTY' }],
    [{ number: 18456, code: 'ELOGIN', message: "Login failed for user 'ccb_read'." }, { kind: 'access', object: undefined }],
    [{ code: 'ESOCKET', message: 'Failed to connect to 10.0.0.5:1433 - connect ECONNREFUSED 10.0.0.5:1433' }, { kind: 'unreachable' }],
    [{ code: 'ESOCKET', message: 'Connection lost - read ECONNRESET' }, { kind: 'lost' }],
    [{ number: 102, code: 'EREQUEST', message: "Incorrect syntax near 'FROMM'." }, { kind: 'query' }],
  ]
  for (const [error, expected] of cases) {
    it(`${(error as { message: string }).message} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(dialect.classifyError(Object.assign(new Error((error as { message: string }).message), error)), expected)
    })
  }
})
