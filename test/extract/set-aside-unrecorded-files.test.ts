import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setAsideUnrecordedFiles } from '../../src/extract/set-aside-unrecorded-files.js'
import { StateStore } from '../../src/state/state-store.js'

const dirs: string[] = []
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

const RECORDED = 'opwr_dem_res_v1-19-0_full_20261101090000.gz'

/** A workspace whose state records one run with RECORDED, and an output folder holding `names`. */
function workspace(names: readonly string[]): { out: string; state: StateStore } {
  const dir = mkdtempSync(join(tmpdir(), 'opx-set-aside-'))
  dirs.push(dir)
  const out = join(dir, 'out')
  mkdirSync(out)
  for (const name of names) writeFileSync(join(out, name), `content of ${name}`)
  const state = StateStore.open(join(dir, 'state'))
  state.recordRun(
    {
      runId: 'full-0001',
      phase: 'full',
      mappingFile: 'm.yaml',
      createdAt: '2026-11-01T09:00:00.000Z',
      windowFrom: '2025-01-01',
      windowTo: '2026-10-31',
      status: 'generated',
      summary: {},
      files: [{ fileName: RECORDED, fileType: 'full', rows: 1, bytes: 10, sha256: 'x', valid: true, path: join(out, RECORDED) }],
    },
    '20261101090000',
  )
  return { out, state }
}

describe('setAsideUnrecordedFiles: spec files a killed extract left unrecorded', () => {
  it('renames an unrecorded file of this utility and population to .unrecorded and warns once, naming it; leaves the recorded file alone', () => {
    const orphan = 'opwr_dem_res_v1-19-0_full_20261102090000.gz'
    const { out, state } = workspace([RECORDED, orphan])
    const lines: string[] = []
    try {
      assert.deepEqual(setAsideUnrecordedFiles(out, { utility: 'dem', population: 'res' }, state, (line) => lines.push(line)), [orphan])
    } finally {
      state.close()
    }
    assert.deepEqual(readdirSync(out).sort(), [RECORDED, `${orphan}.unrecorded`])
    assert.equal(readFileSync(join(out, `${orphan}.unrecorded`), 'utf8'), `content of ${orphan}`, 'the file is renamed, not rewritten')
    assert.equal(lines.length, 1)
    assert.match(lines[0] ?? '', new RegExp(`^warning: renamed ${orphan} in .* to ${orphan}\\.unrecorded: an earlier extract stopped before recording it`))
    assert.match(lines[0] ?? '', /delete it/)
  })

  it('leaves alone other utilities, other populations, files older than the last recorded one and names not of the spec', () => {
    const untouched = [
      RECORDED,
      'opwr_abc_res_v1-19-0_full_20261102090000.gz',
      'opwr_dem_nonres_v1-19-0_usage_20261102090000.gz',
      'opwr_dem_res_v1-19-0_full_20261031090000.gz',
      'opwr_dem_res_v1-19-0_full_20261102090000.gz.unrecorded',
      'opwr_dem_res_v1-19-0_full_2026110209.gz',
      'rejects-full-0001.tsv',
    ]
    const { out, state } = workspace(untouched)
    const lines: string[] = []
    try {
      assert.deepEqual(setAsideUnrecordedFiles(out, { utility: 'dem', population: 'res' }, state, (line) => lines.push(line)), [])
    } finally {
      state.close()
    }
    assert.deepEqual(readdirSync(out).sort(), [...untouched].sort())
    assert.deepEqual(lines, [])
  })

  it('does nothing when the output folder does not exist yet', () => {
    const { out, state } = workspace([])
    try {
      assert.deepEqual(setAsideUnrecordedFiles(join(out, 'missing'), { utility: 'dem', population: 'res' }, state, () => assert.fail('no warning')), [])
    } finally {
      state.close()
    }
  })
})
