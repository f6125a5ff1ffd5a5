import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import { createSource, type Source } from '../../src/source/create-source.js'
import { retarget } from './extract-from.js'
import { createScratchDatabase, skippedTargets, type ScratchDatabase } from './scratch-database.js'

// PostgreSQL streams read queries with COPY (query) TO STDOUT: the rows must be exactly what the same
// query returns through pg, values given to it must mean exactly themselves, and a reader that stops
// early must not hang the session. On the live PostgreSQL service.

const PROJECT = fileURLToPath(new URL('../../../', import.meta.url))

describe('postgres: read queries streamed with COPY', { skip: skippedTargets().has('postgres') ? 'OPOWER_TEST_SKIP_DATABASES has postgres' : false }, () => {
  let dir: string
  let db: ScratchDatabase
  let source: Source

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opx-copy-'))
    db = await createScratchDatabase('postgres', dir)
    await db.knex.raw(`CREATE TABLE typed (id int, flag boolean, small smallint, big bigint, ratio double precision, tiny real, amount numeric(20,4),
      name text, fixed char(6), day date, at timestamp(6), raw bytea, doc json, span interval)`)
    await db.knex.raw(`INSERT INTO typed VALUES
      (1, true, -7, 9007199254740993, 0.0000001, 1.5, 12345678901234.5678, E'tab\\there\\nnew line\\r\\\\ back ''quote'' "dq" |pipe| Peñasco 🏠',
       'ab', '2024-02-29', '2024-03-10 02:30:00.123456', E'\\\\x68c3a9', '{"a": [1, 2]}', '1 day 02:03:04'),
      (2, false, 0, -1, 1e300, -0.25, 0, '', '', '1900-01-01', '1999-12-31 23:59:59', '', 'null', '-1 month'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
    const { mapping } = loadMapping(join(PROJECT, 'mappings/demo-sqlite.yaml'))
    source = createSource(retarget(mapping, db, join(dir, 'workspace')), { env: {} })
  })
  after(async () => {
    await source?.close()
    await db.drop()
    await rm(dir, { recursive: true, force: true })
  })

  const streamed = async (sql: string, bindings: readonly unknown[]) => {
    const rows = []
    for await (const row of source.stream(sql, bindings)) rows.push(row)
    return rows
  }

  it('streams every type as the same text the query gives through pg (booleans, floats, bytea, json, NULL, escapes)', async () => {
    const sql = 'SELECT id, flag, small, big, ratio, tiny, amount, name, fixed, day, at, raw, doc, span FROM typed WHERE id >= ? ORDER BY id'
    const rows = await streamed(sql, [1])
    assert.deepEqual(rows, await source.query(sql, [1]))
    assert.equal(rows.length, 3)
    // The values pg's parsers give, turned into source text: a float never in exponent notation.
    assert.deepEqual(rows[0]!.slice(0, 8), ['1', '1', '-7', '9007199254740993', '0.0000001', '1.5', '12345678901234.5678', 'tab\there\nnew line\r\\ back \'quote\' "dq" |pipe| Peñasco 🏠'])
    assert.deepEqual(rows[2], ['3', ...new Array<null>(13).fill(null)])
  })

  it('writes the values given to the query in as literals that mean exactly those values, and refuses a NUL', async () => {
    const values = ["O'Brien", 'back\\slash', "'); DROP TABLE typed; --", '$$ dollar $$', 'E\'\\x\'', '?', 'Peñasco 🏠']
    const rows = await streamed(`SELECT ${values.map(() => 'CAST(? AS text)').join(', ')}`, values)
    assert.deepEqual(rows, [values])
    assert.deepEqual(await streamed('SELECT COUNT(*) FROM typed', []), [['3']], 'the table is still there')
    await assert.rejects(streamed('SELECT CAST(? AS text)', ['a\u0000b']), /NUL/)
  })

  it('an error the server raises in the middle of a COPY fails the read with SOURCE_QUERY_FAILED after the rows before it, and the next read works', async () => {
    let seen = 0
    await assert.rejects(
      async () => {
        for await (const _ of source.stream('SELECT 1 / (i - 50000) FROM generate_series(1, 100000) AS s(i)', [])) {
          void _
          seen++
        }
      },
      (error: unknown) => {
        assert.equal((error as { code?: unknown }).code, 'SOURCE_QUERY_FAILED')
        assert.match((error as Error).message, /division by zero/)
        return true
      },
    )
    assert.ok(seen > 0 && seen < 50000, `${seen} rows before the error`)
    assert.deepEqual(await streamed('SELECT 1', []), [['1']])
  })

  it('a reader that stops after a few rows of a long COPY leaves no hung session: the next read gets its rows', async () => {
    const snapshot = await source.snapshot()
    let seen = 0
    for await (const _ of snapshot.stream("SELECT i, repeat('x', 200) FROM generate_series(1, 2000000) AS s(i)", [])) {
      void _
      if (++seen === 10) break
    }
    await snapshot.close()
    assert.equal(seen, 10)
    assert.deepEqual(await streamed('SELECT i FROM generate_series(1, 3) AS s(i)', []), [['1'], ['2'], ['3']])
  })
})
