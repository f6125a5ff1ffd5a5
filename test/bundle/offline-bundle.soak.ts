import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, parse } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

// This file is compiled to <dist>/test/bundle/: the bundle is made from that same build.
const dist = fileURLToPath(new URL('../../', import.meta.url))
const root = dirname(dist.replace(/[\\/]$/, ''))
const work = mkdtempSync(join(tmpdir(), 'opx-bundle-'))
after(() => rmSync(work, { recursive: true, force: true }))

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
const name = `opower-extract-${version}-linux-x64`
const install = join(work, 'server')
const app = join(install, name)

/** What the air-gapped server has: node on PATH, npm unable to reach any registry, nothing of the build host. */
const offlineEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: join(work, 'home'),
  TZ: 'UTC',
  npm_config_registry: 'http://127.0.0.1:9',
  npm_config_offline: 'true',
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : [path]
  })
}

describe('offline bundle (linux-x64)', { skip: process.platform !== 'linux' || process.arch !== 'x64' }, () => {
  before(() => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-bundle.mjs'), '--dist', dist, '--out', join(work, 'build')], { encoding: 'utf8' })
    assert.equal(build.status, 0, build.stderr)
    mkdirSync(install)
    mkdirSync(offlineEnv.HOME)
    const unpack = spawnSync('tar', ['-xzf', join(work, 'build', `${name}.tar.gz`), '-C', install], { encoding: 'utf8' })
    assert.equal(unpack.status, 0, unpack.stderr)
  })

  it('holds the tool, the native build of better-sqlite3 and a launcher, and nothing of the build host', () => {
    accessSync(join(app, 'opower-extract'), constants.X_OK)
    assert.ok(existsSync(join(app, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')))
    assert.deepEqual(readdirSync(join(app, 'node_modules', 'oracledb', 'build', 'Release')).filter((file) => !file.includes('linux-x64')), [])
    assert.equal(existsSync(join(app, 'node_modules', 'typescript')), false, 'dev dependencies stay out')
    assert.match(readFileSync(join(app, 'README.md'), 'utf8'), /## Offline install/)
    const files = filesUnder(app)
    assert.deepEqual(filesUnder(join(app, 'dist')).filter((file) => file.endsWith('.map')), [], 'the tool ships without source maps of sources it does not ship')
    const hostPath = Buffer.from(root)
    assert.deepEqual(files.filter((file) => readFileSync(file).includes(hostPath)), [], `files naming ${root}`)
  })

  it('runs demo --walkthrough from an empty folder with no registry and no node_modules outside the bundle', () => {
    for (let dir = install; dir !== parse(dir).root; dir = dirname(dir)) {
      assert.equal(existsSync(join(dir, 'node_modules')), false, `${dir}/node_modules would be found by node`)
    }
    const cwd = join(work, 'elsewhere')
    mkdirSync(cwd)
    const run = spawnSync(join(app, 'opower-extract'), ['demo', '--dir', 'demo', '--customers', '300', '--walkthrough'], { cwd, env: offlineEnv, encoding: 'utf8' })
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`)
    const demo = join(cwd, 'demo')
    assert.ok(statSync(join(demo, 'billing.sqlite')).size > 0)
    assert.ok(existsSync(join(demo, 'mapping.yaml')))
    const files = readdirSync(join(demo, 'out')).filter((file) => /^opwr_dem_res_v1-19-0_full_\d{14}\.gz$/.test(file))
    assert.equal(files.length, 2, `a sample and a full historical: ${readdirSync(join(demo, 'out')).join(', ')}`)
    for (const file of files) assert.equal(statSync(join(demo, 'out', file)).mode & 0o777, 0o600, file)
    assert.match(run.stdout, /valid \(0 errors/)
  })

  it('the launcher refuses a missing Node.js with exit 78 and says what to install', () => {
    const run = spawnSync(join(app, 'opower-extract'), ['--help'], { env: { ...offlineEnv, OPOWER_EXTRACT_NODE: join(work, 'no-node') }, encoding: 'utf8' })
    assert.equal(run.status, 78)
    assert.match(run.stderr, /built for Node\.js 20 \(module ABI 115\).*Install Node\.js 20/)
  })
})
