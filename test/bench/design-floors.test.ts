import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const FLOORS = fileURLToPath(new URL('../../bench/design-floors.js', import.meta.url))

function floors(...args: string[]) {
  return spawnSync(process.execPath, [FLOORS, ...args], { encoding: 'utf8', timeout: 30_000 })
}

describe('bench --floors: the first row of a database export', () => {
  it('is timed at the first byte, and the export is stopped there, whatever runs inside its pipeline', () => {
    // `yes` writes for ever: the measurement ends only if the whole pipeline's process group is stopped.
    const result = floors('first-row', '--', 'bash', '-c', 'sleep 0.3; yes | cat')
    assert.equal(result.status, 0, result.stderr)
    const seconds = Number(result.stdout)
    assert.ok(seconds >= 0.3 && seconds < 10, `took ${result.stdout}`)
  })

  it('fails, naming the command, when the export ends without writing', () => {
    const result = floors('first-row', '--', 'bash', '-c', 'exit 3')
    assert.notEqual(result.status, 0)
    assert.match(result.stderr, /bash -c exit 3 ended \(exit 3\) before writing anything/)
  })
})
