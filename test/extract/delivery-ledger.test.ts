import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { loadMapping } from '../../src/config/load-mapping.js'
import { rowHashes } from '../../src/extract/row-hashes.js'
import type { Mapping } from '../../src/config/mapping.js'
import { inBatches } from '../../src/platform/row-batches.js'
import { DeliveryLedger } from '../../src/extract/delivery-ledger.js'
import type { OutputRow } from '../../src/extract/output-row.js'
import type { RowHashes } from '../../src/extract/row-hashes.js'
import type { LayoutFile } from '../../src/extract/write-layout-files.js'
import { StateStore, stateFilePath } from '../../src/state/state-store.js'

// The attribute "hash" is the row's first value, so the test can tell which row an entity was recorded from.
const hashes: RowHashes = {
  read: (row) => `read-${row.readKey}`,
  entity: (row) => row.values[0]!,
  entityKey: (row) => `${row.servicePointId}\u0000${row.accountId}`,
  customerId: () => 'C1',
}

const row = (readKey: string, servicePointId: string, accountId: string, attribute: string): OutputRow => ({
  readKey,
  servicePointId,
  accountId,
  dateTo: '20240131',
  duration: '30',
  values: [attribute],
  cleaned: false,
})

async function record(rows: readonly OutputRow[], maxRowsPerFile = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'oe-ledger-'))
  try {
    const state = StateStore.open(dir)
    const ledger = new DeliveryLedger(state, 1, { output: { maxRowsPerFile } } as Mapping, hashes)
    const passed: OutputRow[] = []
    // Batches of two: an entity's rows and a file's lines run across batch boundaries.
    for await (const batch of ledger.track(inBatches(rows, 2))) passed.push(...batch)
    ledger.finish([{ fileName: 'first.gz', fileType: 'full' } as LayoutFile, { fileName: 'second.gz', fileType: 'full' } as LayoutFile])
    state.close()
    const db = new Database(stateFilePath(dir), { readonly: true })
    try {
      const entities = Object.fromEntries(
        (db.prepare('SELECT entity_key, attribute_hash FROM run_entities WHERE run_seq = 1').all() as { entity_key: string; attribute_hash: string }[]).map((e) => [
          e.entity_key.replace('\u0000', '/'),
          e.attribute_hash,
        ]),
      )
      const reads = db.prepare('SELECT read_key, read_hash, file_name, line FROM named_run_reads WHERE run_seq = 1 ORDER BY line, file_name').all()
      return { passed, entities, reads }
    } finally {
      db.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('DeliveryLedger', () => {
  it('records the attributes of the last row of each entity, also when its rows do not follow each other', async () => {
    const rows = [
      row('r1', 'SP1', 'A1', 'a-old'),
      row('r2', 'SP1', 'A1', 'a-mid'),
      row('r3', 'SP1', 'A2', 'b-only'),
      row('r4', 'SP1', 'A1', 'a-last'),
      row('r5', 'SP2', 'A3', 'c-old'),
      row('r6', 'SP2', 'A3', 'c-last'),
    ]
    const { passed, entities } = await record(rows)
    assert.deepEqual(passed, rows, 'rows pass through unchanged, in order')
    assert.deepEqual(entities, { 'SP1/A1': 'a-last', 'SP1/A2': 'b-only', 'SP2/A3': 'c-last' })
  })

  it('keeps the last row of each entity across batches of the state writes', async () => {
    // 12,000 entities, each seen twice far apart: the first sighting is flushed before the second.
    const rows: OutputRow[] = []
    for (const round of ['first', 'second']) for (let i = 0; i < 12_000; i++) rows.push(row(`${round}-${i}`, `SP${i}`, 'A', `${round}-${i}`))
    const { entities } = await record(rows)
    assert.equal(Object.keys(entities).length, 12_000)
    assert.ok(
      Object.entries(entities).every(([key, value]) => value === `second-${key.slice(2, -2)}`),
      'every entity carries its last row',
    )
  })

  it('records each read with its usage hash, file and line (a new part at a service point boundary)', async () => {
    const rows = [row('r1', 'SP1', 'A1', 'x'), row('r2', 'SP1', 'A1', 'x'), row('r3', 'SP1', 'A1', 'x'), row('r4', 'SP2', 'A2', 'y')]
    const { reads } = await record(rows, 2)
    assert.deepEqual(reads, [
      { read_key: 'r1', read_hash: 'read-r1', file_name: 'first.gz', line: 2 },
      { read_key: 'r4', read_hash: 'read-r4', file_name: 'second.gz', line: 2 },
      { read_key: 'r2', read_hash: 'read-r2', file_name: 'first.gz', line: 3 },
      { read_key: 'r3', read_hash: 'read-r3', file_name: 'first.gz', line: 4 },
    ])
  })

  it('fingerprints rows exactly as accepted runs recorded them (SHA-256 of the TAB-joined values, base64url, 22 characters)', () => {
    const { mapping } = loadMapping(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url).pathname)
    const names = [...mapping.columns.keys()]
    const values = names.map((name, i) => (i % 3 === 0 ? '' : `${name}-é-${i}`))
    const subject = { ...row('r1', 'SP1', 'A1', ''), values }
    const fingerprints = rowHashes(mapping)
    const expected = (columns: readonly string[]) =>
      createHash('sha256')
        .update(columns.map((name) => values[names.indexOf(name)]).join('\t'))
        .digest('base64url')
        .slice(0, 22)
    const usage = names.filter((name) => mapping.fileSpecs.some((spec) => spec.columns.some((column) => column.name === name && column.group === 'usage')))
    assert.equal(fingerprints.read(subject), expected(usage))
    assert.equal(fingerprints.entity(subject), expected(names.filter((name) => !usage.includes(name) || name === 'service_point_id')))
  })
})
