import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { after, describe, it } from 'node:test'
import { OpowerLoaderSimulator } from './opower-loader-simulator.js'

const dir = mkdtempSync(join(tmpdir(), 'opx-sim-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const HEADER = ['customer_id', 'account_id', 'service_point_id', 'service_city', 'usage_value', 'date_to', 'duration', 'is_estimate'].join('\t')
function file(stamp: string, rows: string[][]): string {
  const path = join(dir, `opwr_tst_res_v1-19-0_full_${stamp}.gz`)
  writeFileSync(path, gzipSync(`${[HEADER, ...rows.map((row) => row.join('\t'))].join('\n')}\n`))
  return path
}
const read = (sp: string, value: string, dateTo: string, duration: string, city = 'Town', account = 'A1') => ['C1', account, sp, city, value, dateTo, duration, 'A']

describe('Opower loader simulator (test support)', () => {
  it('loads files in name-timestamp order: exact overwrite replaces, the last row of an entity wins', () => {
    const later = file('20261102000000', [read('SP1', '99', '20261001', '30', 'Newtown')])
    const earlier = file('20261101000000', [read('SP1', '10', '20260901', '31'), read('SP1', '11', '20261001', '30')])
    const sim = new OpowerLoaderSimulator()
    sim.loadFiles([later, earlier])
    const state = sim.state()
    assert.deepEqual(state.reads.SP1!.map((r) => [r.dateTo, r.usage.usage_value]), [['20260901', '10'], ['20261001', '99']])
    assert.match(state.entities.service_point!.SP1!, /service_city=Newtown/)
    assert.deepEqual(sim.problems, [])
  })

  it('an overlapping overwrite deletes the reads in its span; any other overlap is a problem', () => {
    const sim = new OpowerLoaderSimulator()
    sim.loadFile(file('20261101000000', [read('SP1', '10', '20260901', '31'), read('SP1', '11', '20261001', '30')]))
    sim.loadFile(file('20261102000000', [read('SP1', '25', '20261031', '60')]))
    assert.deepEqual(sim.state().reads.SP1!.map((r) => r.dateTo), ['20260901', '20261031'])
    sim.loadFile(file('20261103000000', [read('SP1', '5', '20261015', '20')]))
    assert.equal(sim.problems.length, 1)
  })
})
