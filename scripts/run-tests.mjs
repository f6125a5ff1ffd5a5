#!/usr/bin/env node
// Runs the compiled tests with node's own test runner. Node 20 has no glob support for --test, so the
// files are listed here: every dist/test/**/*.test.js, or with --soak every *.soak.js instead.
// `--dist DIR` runs another build folder (DIR must sit at the project root, like dist/), so two
// builds can be tested side by side; positional arguments keep only files whose path contains one.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const argv = process.argv.slice(2)
const soak = argv.includes('--soak')
const suffix = soak ? '.soak.js' : '.test.js'
const distAt = argv.indexOf('--dist')
const dist = distAt >= 0 ? argv[distAt + 1] : 'dist'
const only = argv.filter((arg, index) => !arg.startsWith('--') && (distAt < 0 || index !== distAt + 1))

function list(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return list(path)
    return entry.name.endsWith(suffix) ? [path] : []
  })
}

const files = list(join(dist, 'test'))
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort()
if (files.length === 0) {
  console.error(`no ${suffix} files under ${dist}/test`)
  process.exit(soak ? 0 : 1)
}
const args = ['--test', '--test-reporter=spec', `--test-concurrency=${soak ? 1 : 2}`, ...files]
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, TZ: process.env.TZ ?? 'UTC' } })
process.exit(result.status ?? 1)
