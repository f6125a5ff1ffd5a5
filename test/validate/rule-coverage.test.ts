import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ruleCoverageMarkdown } from '../../src/validate/rule-coverage.js'

const DOC = fileURLToPath(new URL('../../../docs/validation-rules.md', import.meta.url))

describe('rule coverage table', () => {
  it('docs/validation-rules.md lists every rule exactly as the catalogs do', async () => {
    const text = await readFile(DOC, 'utf8')
    const table = /<!-- coverage:start -->\n([\s\S]*)<!-- coverage:end -->/.exec(text)?.[1]
    assert.equal(table, ruleCoverageMarkdown(), 'regenerate the table from ruleCoverageMarkdown()')
    for (let i = 1; i <= 88; i++) assert.match(table ?? '', new RegExp(`\\| V${String(i).padStart(2, '0')} \\|`))
  })
})
