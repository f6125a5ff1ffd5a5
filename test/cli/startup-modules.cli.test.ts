import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'

/**
 * Each database driver and the SFTP client costs 15–30 MB and part of a second to load: a command loads
 * only what it uses. The spawned CLI runs with a preload that lists, at exit, the packages in the
 * CommonJS module cache (every driver here is CommonJS; an ES `import` of one lands there too).
 */
const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'opx-startup-'))
const hook = join(dir, 'list-loaded-packages.mjs')
const mapping = join(dir, 'demo', 'mapping.yaml')
after(() => rmSync(dir, { recursive: true, force: true }))

const HOOK_SOURCE = `
import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
const cache = createRequire(import.meta.url).cache
process.on('exit', () => {
  const packages = new Set()
  for (const file of Object.keys(cache)) {
    const match = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)[\\\\/](?!.*node_modules)/.exec(file)
    if (match) packages.add(match[1].replace(/\\\\/g, '/'))
  }
  writeFileSync(process.env.OPX_LOADED_PACKAGES, JSON.stringify([...packages].sort()))
})
`

const NEVER_FOR_SQLITE = ['oracledb', 'tedious', 'mssql', 'mysql2', 'pg', 'pg-copy-streams', 'ssh2', 'ssh2-sftp-client']

/** Runs the CLI and returns the packages it loaded. */
function loadedPackages(...args: string[]): string[] {
  const record = join(dir, `loaded-${args[0]}.json`)
  const result = spawnSync(process.execPath, ['--import', hook, BIN, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, OPX_LOADED_PACKAGES: record },
  })
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`)
  return JSON.parse(readFileSync(record, 'utf8')) as string[]
}

function assertNoneOf(loaded: readonly string[], unwanted: readonly string[], command: string): void {
  const found = loaded.filter((name) => unwanted.includes(name))
  assert.deepEqual(found, [], `${command} loaded ${found.join(', ')}`)
}

describe('modules a command loads (spawned, SQLite demo mapping)', () => {
  before(() => {
    writeFileSync(hook, HOOK_SOURCE)
    const demo = spawnSync(process.execPath, [BIN, 'demo', '--dir', join(dir, 'demo'), '--customers', '20'], { encoding: 'utf8', cwd: dir })
    assert.equal(demo.status, 0, demo.stderr)
  })

  it('--help loads no database driver, no knex and no SFTP client', () => {
    assertNoneOf(loadedPackages('--help'), [...NEVER_FOR_SQLITE, 'knex'], '--help')
  })

  it('status and search read the state only: no database driver, no knex', () => {
    assertNoneOf(loadedPackages('status', '--mapping', mapping), [...NEVER_FOR_SQLITE, 'knex'], 'status')
    assertNoneOf(loadedPackages('search', '--mapping', mapping, '--account', '5000000001'), [...NEVER_FOR_SQLITE, 'knex'], 'search')
  })

  it('an extract of a SQLite mapping loads knex and better-sqlite3, and none of the other drivers', () => {
    const loaded = loadedPackages('extract', '--mapping', mapping, '--phase', 'full', '--end-date', '2026-10-15', '--dry-run')
    assert.ok(loaded.includes('knex') && loaded.includes('better-sqlite3'), `extract loaded ${loaded.join(' ')}`)
    assertNoneOf(loaded, NEVER_FOR_SQLITE, 'extract')
  })
})
