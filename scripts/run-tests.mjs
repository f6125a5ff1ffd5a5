#!/usr/bin/env node
// Runs the compiled tests with node's own test runner. Node 20 has no glob support for --test, so the
// files are listed here: every dist/test/**/*.test.js, or with --soak every *.soak.js instead.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const soak = process.argv.includes('--soak')
const suffix = soak ? '.soak.js' : '.test.js'
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))

function list(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return list(path)
    return entry.name.endsWith(suffix) ? [path] : []
  })
}

const files = list('dist/test')
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort()
if (files.length === 0) {
  console.error(`no ${suffix} files under dist/test`)
  process.exit(soak ? 0 : 1)
}
const args = ['--test', '--test-reporter=spec', `--test-concurrency=${soak ? 1 : 2}`, ...files]
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, TZ: process.env.TZ ?? 'UTC' } })
process.exit(result.status ?? 1)
