import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { mappingJsonSchemaText } from '../../src/config/mapping-json-schema.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const COMMITTED = join(ROOT, 'schemas', 'mapping.schema.json')

describe('the JSON Schema of mapping files', () => {
  it('is the committed schemas/mapping.schema.json (run `npm run schema` after changing mapping.schema.ts)', () => {
    assert.equal(readFileSync(COMMITTED, 'utf8'), mappingJsonSchemaText())
  })

  it('carries the descriptions editors show, and refuses unknown keys', () => {
    const schema = JSON.parse(readFileSync(COMMITTED, 'utf8')) as { properties: Record<string, { description?: string }>; additionalProperties: boolean; required: string[] }
    assert.match(schema.properties['timezone']?.description ?? '', /IANA time zone/)
    assert.equal(schema.additionalProperties, false)
    assert.ok(schema.required.includes('utility') && schema.required.includes('columns'), schema.required.join(', '))
  })

  it('is referenced by every template and every mapping for editor completion', () => {
    const files = [
      ...readdirSync(join(ROOT, 'templates')).map((name) => join(ROOT, 'templates', name)),
      ...readdirSync(join(ROOT, 'mappings')).map((name) => join(ROOT, 'mappings', name)),
    ].filter((file) => file.endsWith('.yaml'))
    assert.ok(files.length >= 4, files.join(', '))
    for (const file of files) {
      const modeline = /^# yaml-language-server: \$schema=(.+)$/m.exec(readFileSync(file, 'utf8'))
      assert.ok(modeline, `${file} has a yaml-language-server modeline`)
      assert.equal(resolve(dirname(file), modeline[1]!), COMMITTED, file)
    }
  })
})
