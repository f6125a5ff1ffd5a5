import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { ERROR_CODES, categoryOf, type ErrorCode } from '../../src/errors/error-codes.js'
import { EXIT_CODES } from '../../src/errors/exit-codes.js'

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')

describe('README tables', () => {
  it('lists every error code with the exit code its category maps to, and no code that does not exist', () => {
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1]!, Number(m[2])] as const)
    const documented = new Map(rows)
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      assert.equal(documented.get(code), EXIT_CODES[categoryOf(code)], `README row for ${code}`)
    }
    assert.deepEqual([...documented.keys()].sort(), Object.keys(ERROR_CODES).sort())
  })

  it('lists every exit code of the table in code', () => {
    const rows = [...readme.matchAll(/^\| (\d+)(?: \/ (\d+))? \| ([a-z]+) \|/gm)]
    const documented = new Map(rows.map((m) => [m[3]!, Number(m[1])]))
    for (const [category, code] of Object.entries(EXIT_CODES)) assert.equal(documented.get(category), code, category)
  })
})
