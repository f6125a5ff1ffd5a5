#!/usr/bin/env node
// Regenerates schemas/mapping.schema.json from the compiled zod mapping schema (`npm run schema` builds
// first). `--dist DIR` takes another build folder, like run-tests.mjs.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const argv = process.argv.slice(2)
const distAt = argv.indexOf('--dist')
const dist = distAt >= 0 ? argv[distAt + 1] : 'dist'
const { mappingJsonSchemaText } = await import(pathToFileURL(resolve(dist, 'src/config/mapping-json-schema.js')).href)
const target = join('schemas', 'mapping.schema.json')
mkdirSync(dirname(target), { recursive: true })
writeFileSync(target, mappingJsonSchemaText())
console.log(`wrote ${target}`)
