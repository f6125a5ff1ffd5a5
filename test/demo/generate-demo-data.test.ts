import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEMO_SCHEMA } from '../../src/demo/demo-schema.js'
import { generateDemoData } from '../../src/demo/generate-demo-data.js'
import type { TableRow } from '../../src/demo/table-schema.js'
import { isToolkitError } from '../../src/errors/toolkit-error.js'

const OPTIONS = { customers: 120, seed: 5, historyStart: '2024-06-01', historyEnd: '2025-05-31' }
const lines = (rows: Iterable<TableRow>): string[] => Array.from(rows, (row) => JSON.stringify(row))

describe('generateDemoData', () => {
  it('yields the same rows in the same order for the same options, other rows for another seed', () => {
    const first = lines(generateDemoData(OPTIONS))
    assert.deepEqual(lines(generateDemoData({ ...OPTIONS })), first)
    const other = lines(generateDemoData({ ...OPTIONS, seed: 6 }))
    assert.notDeepEqual(other, first)
    // Only the scripted first premises may coincide; the random ones differ.
    const otherSet = new Set(other)
    assert.ok(first.filter((line) => !otherSet.has(line)).length > first.length / 2)
  })

  it('gives every row exactly the columns of its table', () => {
    const columns = new Map(DEMO_SCHEMA.map((table) => [table.name, table.columns.map((column) => column.name).sort()]))
    for (const { table, row } of generateDemoData(OPTIONS)) {
      assert.deepEqual(Object.keys(row).sort(), columns.get(table), table)
      for (const column of DEMO_SCHEMA.find((def) => def.name === table)?.columns ?? []) {
        const value = row[column.name]
        if (value === null) assert.ok(column.nullable, `${table}.${column.name} is NULL but not nullable`)
        else assert.equal(typeof value, column.type === 'integer' ? 'number' : 'string', `${table}.${column.name}`)
      }
    }
  })

  it('yields every parent row before the rows that refer to it', () => {
    const seen = new Map<string, Set<string>>(DEMO_SCHEMA.map((table) => [table.name, new Set<string>()]))
    const has = (table: string, key: unknown): boolean => seen.get(table)?.has(String(key)) ?? false
    const parents: Record<string, [string, string][]> = {
      ci_per_name: [['per_id', 'ci_per']],
      ci_acct_per: [
        ['acct_id', 'ci_acct'],
        ['per_id', 'ci_per'],
      ],
      ci_sp: [['prem_id', 'ci_prem']],
      ci_sa: [
        ['acct_id', 'ci_acct'],
        ['char_prem_id', 'ci_prem'],
      ],
      ci_sa_sp: [
        ['sa_id', 'ci_sa'],
        ['sp_id', 'ci_sp'],
      ],
      ci_bseg: [['sa_id', 'ci_sa']],
      ci_bseg_sq: [['bseg_id', 'ci_bseg']],
      ci_bseg_calc: [['bseg_id', 'ci_bseg']],
    }
    let checked = 0
    for (const { table, row } of generateDemoData(OPTIONS)) {
      for (const [column, parent] of parents[table] ?? []) {
        assert.ok(has(parent, row[column]), `${table}.${column} = ${String(row[column])} before its ${parent} row`)
        checked += 1
      }
      const def = DEMO_SCHEMA.find((candidate) => candidate.name === table)
      if (def?.primaryKey.length === 1) seen.get(table)?.add(String(row[def.primaryKey[0] ?? '']))
    }
    assert.ok(checked > 3000, `only ${checked} references checked`)
  })

  it('dates nothing after historyEnd, whatever the options', () => {
    for (const { table, row } of generateDemoData(OPTIONS)) {
      for (const [column, value] of Object.entries(row)) {
        if (
          typeof value === 'string' &&
          /^\d{4}-\d{2}-\d{2}/.test(value) &&
          column !== 'start_dt' &&
          column !== 'setup_dt'
        ) {
          assert.ok(value.slice(0, 10) <= OPTIONS.historyEnd, `${table}.${column} = ${value}`)
        }
      }
    }
  })

  it('checks its options when iterated', () => {
    assert.throws(
      () => generateDemoData({ ...OPTIONS, historyEnd: 'soon' }).next(),
      (error: unknown) =>
        isToolkitError(error) && error.code === 'USAGE_INVALID_ARGUMENT' && error.message.includes('"soon"'),
    )
  })
})
