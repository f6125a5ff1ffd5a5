import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadMapping } from '../../src/config/load-mapping.js'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { createSource } from '../../src/source/create-source.js'
import { DemoWorkspace, filesIn, runCli, specRows, unclearOutput, type CliResult } from './cli-workspace.js'

// Security promises, checked on what a user and an attacker would see: no personal value and no secret in
// any output but the spec file itself, owner-only files, values bound (never spliced into SQL), and a
// read-only source session.

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const modeOf = (path: string) => statSync(path).mode & 0o777

describe('security: personal data, secrets, file modes, bound values, read-only source (spawned)', () => {
  let workspace: DemoWorkspace
  let database: string
  let personal: string[]
  before(() => {
    workspace = new DemoWorkspace(30)
    // One read with an estimate flag outside the value map, so that a rejects file is written too.
    database = workspace.copyDatabase('rejecting.sqlite')
    const db = new Database(database)
    try {
      db.prepare(`UPDATE ci_bseg SET est_sw = 'X' WHERE bseg_id = (SELECT MIN(bseg_id) FROM ci_bseg WHERE bseg_stat_flg = '50' AND end_dt >= '2025-06-01')`).run()
      const names = db.prepare('SELECT entity_name FROM ci_per_name').pluck().all() as string[]
      const streets = db.prepare(`SELECT num1 || ' ' || address1 FROM ci_prem`).pluck().all() as string[]
      const mail = db.prepare(`SELECT mail_addr FROM ci_prem WHERE mail_addr IS NOT NULL AND mail_addr <> ''`).pluck().all() as string[]
      personal = [...new Set([...names, ...names.map((name) => name.split(',').reverse().join(' ')), ...streets, ...mail])].filter((value) => value.length >= 6)
    } finally {
      db.close()
    }
    assert.ok(personal.length > 50, `${personal.length} personal values to look for`)
  })
  after(() => workspace.dispose())

  /** Every personal value found in `text`, at most 3. */
  const personalIn = (text: string) => personal.filter((value) => text.includes(value)).slice(0, 3)

  it('no name or address in stdout/stderr, summary, rejects file, reports, status or state: only in the spec files', async () => {
    const ws = workspace.mapping(
      (text) => `${text.replace('layout: single', 'layout: single\nmax_rejects: 5')}\ndelivery:\n  target: local\n  local: { folder: SERVER }\n  retries: 0\n  archive: ARCHIVE\n`,
      database,
    )
    const server = join(ws.folder, 'server')
    mkdirSync(join(server, 'shared_files'), { recursive: true })
    writeFileSync(ws.file, readFileSync(ws.file, 'utf8').replace('SERVER', server).replace('ARCHIVE', join(ws.folder, 'archive')))
    const summary = join(ws.folder, 'summary.json')
    const outputs: [string, CliResult][] = []
    const cli = async (...args: string[]) => {
      const result = await runCli(args, { cwd: ws.folder })
      outputs.push([args.slice(0, 2).join(' '), result])
      return result
    }
    const extract = await cli('extract', '--mapping', ws.file, '--phase', 'full', '--end-date', '2026-10-15', '--summary', summary)
    assert.equal(extract.code, 0, extract.stderr)
    const specFile = filesIn(ws.out).find((name) => name.startsWith('opwr_'))!
    const rejects = filesIn(ws.out).find((name) => name.endsWith('.rejects.tsv'))
    assert.ok(rejects, 'a rejects file was written')
    const specText = specRows(join(ws.out, specFile))
      .map((row) => `${row['service_house_number']} ${row['service_street_name']}`)
      .join('\n')
    assert.ok(personalIn(specText).length > 0, 'the spec file itself carries the addresses (so the search below can find them)')
    const json = join(ws.folder, 'report.json')
    const html = join(ws.folder, 'report.html')
    assert.equal((await cli('validate', join(ws.out, specFile), '--mapping', ws.file, '--format', 'json', '--out', json)).code, 0)
    assert.equal((await cli('validate', join(ws.out, specFile), '--mapping', ws.file, '--format', 'html', '--out', html)).code, 0)
    await cli('check', '--mapping', ws.file, '--preview', '0')
    assert.equal((await cli('send', '--mapping', ws.file, '--pending')).code, 0)
    await cli('status', '--mapping', ws.file)
    await cli('status', '--mapping', ws.file, '--json')

    const found: string[] = []
    for (const [command, result] of outputs) {
      assert.equal(unclearOutput(result), undefined, `${command}: ${result.stderr}`)
      for (const value of personalIn(`${result.stdout}\n${result.stderr}`)) found.push(`${command} output: ${value}`)
    }
    const files = [summary, json, html, join(ws.out, rejects!), ...filesIn(ws.state).map((name) => join(ws.state, name))]
    for (const file of files) for (const value of personalIn(readFileSync(file, 'latin1') + readFileSync(file, 'utf8'))) found.push(`${file}: ${value}`)
    assert.deepEqual(found, [], 'personal values outside the spec files')

    // Owner-only: folders 0700, files 0600 (spec file, rejects, summary, reports, state, archive).
    for (const dir of [ws.out, ws.state, join(ws.folder, 'archive')]) assert.equal(modeOf(dir).toString(8), '700', dir)
    const archived = filesIn(join(ws.folder, 'archive')).map((name) => join(ws.folder, 'archive', name))
    assert.ok(archived.length > 0, 'the sent file is archived')
    for (const file of [join(ws.out, specFile), join(ws.out, rejects!), summary, json, html, ...archived, ...filesIn(ws.state).map((name) => join(ws.state, name))]) {
      assert.equal(modeOf(file).toString(8), '600', file)
    }
  })

  it('no secret in any output: a database password that fails to log in, and the SFTP private key of the same mapping, are never shown', async () => {
    const password = `Pw-${randomBytes(6).toString('hex')}`
    const key = `KEY${randomBytes(12).toString('hex')}`
    const ws = workspace.mapping((text) =>
      text.replace(
        /source:\n {2}dialect: sqlite\n {2}connection:\n {4}filename: .*\n/,
        `source:\n  dialect: postgres\n  connection:\n    host: 127.0.0.1\n    user: opx_nobody_${randomBytes(3).toString('hex')}\n    database: test\n    password: \${env:OPX_REL_PASSWORD}\n`,
      ) + `\ndelivery:\n  target: sftp\n  sftp: { host: 127.0.0.1, port: 1, user: opower, private_key: "\${env:OPX_REL_KEY}", host_key: "SHA256:${'A'.repeat(43)}", timeout_seconds: 2 }\n  retries: 0\n`,
    )
    const env = { ...process.env, TZ: 'UTC', OPX_REL_PASSWORD: password, OPX_REL_KEY: `-----BEGIN OPENSSH PRIVATE KEY-----\n${key}\n-----END OPENSSH PRIVATE KEY-----\n` }
    const results = [
      await runCli(['extract', '--mapping', ws.file, '--phase', 'full', '--end-date', '2026-10-15'], { cwd: ws.folder, env }),
      await runCli(['check', '--mapping', ws.file, '--preview', '0'], { cwd: ws.folder, env }),
      await runCli(['send', '--mapping', ws.file, '--manual', join(ws.folder, 'opwr_dem_res_v1-19-0_full_20260101000000.gz')], { cwd: ws.folder, env }),
    ]
    assert.notEqual(results[0]!.code, 0, 'the extract cannot log in')
    for (const result of results) {
      const text = `${result.stdout}\n${result.stderr}`
      assert.ok(!text.includes(password), `the password is shown:\n${text}`)
      assert.ok(!text.includes(key), `the private key is shown:\n${text}`)
      assert.equal(unclearOutput(result), undefined, text)
    }
  })

  it('a hostile --end-date is refused before any SQL and the database is unchanged', async () => {
    const before = sha256(workspace.database)
    const ws = workspace.mapping()
    for (const hostile of ["2025-01-01' OR '1'='1", "2025-01-01'); DROP TABLE ci_bseg; --", '2025-01-01 OR 1=1']) {
      const result = await runCli(['extract', '--mapping', ws.file, '--phase', 'full', '--end-date', hostile], { cwd: ws.folder })
      assert.equal(result.code, 64, result.stderr)
      assert.match(result.stderr, /--end-date .* is not a calendar date/)
    }
    assert.equal(sha256(workspace.database), before)
    assert.deepEqual(filesIn(ws.out), [])
  })

  it('hostile mapping constants and value-map keys are data, never SQL: written as is, the database unchanged', async () => {
    const copy = workspace.copyDatabase('hostile.sqlite')
    const before = sha256(copy)
    const hostile = `x'); DROP TABLE ci_per; --`
    const ws = workspace.mapping(
      (text) =>
        text
          .replace(/^ {2}service_unit: .*$/m, `  service_unit: { constant: "${hostile}" }`)
          .replace(/^ {2}is_estimate: .*$/m, `  is_estimate: { sql: bs.est_sw, map: { Y: E, N: A, "N'; DELETE FROM ci_bseg; --": A }, default: E }`),
      copy,
    )
    const result = await runCli(['extract', '--mapping', ws.file, '--phase', 'full', '--end-date', '2026-10-15'], { cwd: ws.folder })
    assert.ok(result.code === 0 || result.code === 65, result.stderr)
    assert.equal(unclearOutput(result), undefined, result.stderr)
    const file = filesIn(ws.out).find((name) => name.startsWith('opwr_'))
    assert.ok(file, result.stderr)
    const rows = specRows(join(ws.out, file))
    assert.ok(rows.length > 100)
    assert.ok(rows.every((row) => row['service_unit'] === hostile), 'the constant is written exactly')
    assert.equal(sha256(copy), before, 'the database file is byte for byte unchanged')
    const db = new Database(copy, { readonly: true })
    try {
      assert.ok((db.prepare('SELECT COUNT(*) FROM ci_per').pluck().get() as number) > 0)
      assert.ok((db.prepare('SELECT COUNT(*) FROM ci_bseg').pluck().get() as number) > 0)
    } finally {
      db.close()
    }
  })

  it('the SQLite source session is read-only: a write inside the extract snapshot fails and changes nothing', async () => {
    const copy = workspace.copyDatabase('readonly.sqlite')
    const before = sha256(copy)
    const ws = workspace.mapping(undefined, copy)
    const source = createSource(loadMapping(ws.file).mapping, { env: {} })
    try {
      // RETURNING: the session reads rows, so a write has to look like a statement that returns some. A failed
      // statement closes its snapshot's connection, so each write gets a snapshot of its own.
      for (const write of ["UPDATE ci_per SET language_cd = 'FRA' RETURNING per_id", 'DELETE FROM ci_bseg RETURNING bseg_id', "INSERT INTO ci_per_name SELECT per_id, 99, 'x', 'N', 1 FROM ci_per RETURNING per_id"]) {
        const snapshot = await source.snapshot()
        try {
          await assert.rejects(snapshot.query(write, []), (error: unknown) => {
            assert.ok(isToolkitError(error), String(error))
            assert.match(error.message, /readonly|read-only|read only/i)
            return true
          })
        } finally {
          await snapshot.close()
        }
      }
      await assert.rejects(source.query("UPDATE ci_per SET language_cd = 'FRA' RETURNING per_id", []), /readonly|read-only|read only/i)
    } finally {
      await source.close()
    }
    assert.equal(sha256(copy), before)
    assert.deepEqual(readdirSync(workspace.dir).filter((name) => name.startsWith('readonly.sqlite-')), [], 'no journal or WAL file was created beside it')
  })
})
