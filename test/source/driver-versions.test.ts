import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'

// The driver versions DRIVER-NOTES.md was checked against (R23): older ones hang, buffer or lose
// precision in ways the source layer does not guard against. A failing test here means a lockfile change
// needs the notes (and the live-database suites) looked at again.

const versionOf = (name: string): [number, number, number] => {
  const manifest = JSON.parse(readFileSync(new URL(`../../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }
  return manifest.version.split('.').map(Number) as [number, number, number]
}
const atLeast = (version: [number, number, number], minimum: [number, number, number]) =>
  version[0] !== minimum[0] ? version[0] > minimum[0] : version[1] !== minimum[1] ? version[1] > minimum[1] : version[2] >= minimum[2]

describe('installed database drivers are the versions the source layer was verified with', () => {
  it('knex ≥ 3.3.0 (stream fixes), pg-copy-streams 7.x, better-sqlite3 12.x, mysql2 3.x, pg 8.x', () => {
    assert.ok(atLeast(versionOf('knex'), [3, 3, 0]), `knex ${versionOf('knex').join('.')}`)
    assert.equal(versionOf('pg-copy-streams')[0], 7, 'pg-copy-streams 7 (COPY TO: reads the socket only as fast as rows are taken)')
    assert.equal(versionOf('better-sqlite3')[0], 12, 'better-sqlite3 13 needs Node 22')
    assert.equal(versionOf('mysql2')[0], 3)
    assert.equal(versionOf('pg')[0], 8)
  })

  it('oracledb 26.x and mssql 12.x on tedious 19 or 20', () => {
    assert.equal(versionOf('oracledb')[0], 26)
    assert.equal(versionOf('mssql')[0], 12)
    assert.ok([19, 20].includes(versionOf('tedious')[0]), `tedious ${versionOf('tedious').join('.')}`)
  })
})
