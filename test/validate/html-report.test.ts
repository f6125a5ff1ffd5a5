// The validate command end to end: exit codes, and the HTML report rendered by a real headless Chromium
// (a screenshot is taken, and the totals in the rendered page are checked against the JSON report).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { FULL_NAME, goodLines, textOf, withTempDir, writeGz, writePlain } from './spec-file-fixtures.js'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const CHROMIUM = '/usr/bin/chromium'

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

async function chromium(args: readonly string[]): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'opx-chromium-'))
  try {
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`]
    const run = spawnSync(CHROMIUM, [...flags, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
    assert.equal(run.status, 0, run.stderr)
    return run.stdout
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
}

/** A file with one error (V56) and one warning (V72) among its good rows. */
function flawedText(): string {
  const lines = goodLines('full')
  lines[1] = (lines[1] as string).replace('\t612.5\t', '\t612,5\t')
  lines[9] = (lines[9] as string).replace('\t20220201\t31\t', '\t20220201\t28\t')
  return textOf(lines)
}

describe('validate command', () => {
  it('exits 0 for a valid file, 65 for an invalid one and 66 for one it cannot read', async () => {
    await withTempDir(async (dir) => {
      const good = await writeGz(dir, FULL_NAME, textOf(goodLines('full')))
      assert.equal(cli('validate', good, '--utility', 'gec').code, 0)
      const bad = await writeGz(dir, 'opwr_gec_res_v1-19-0_full_20220411093001.gz', flawedText())
      const failed = cli('validate', bad, '--utility', 'gec')
      assert.equal(failed.code, 65)
      assert.match(failed.stdout, /V56/)
      const binary = await writePlain(dir, 'opwr_gec_res_v1-19-0_full_20220411093002.gz', Buffer.alloc(4096, 1))
      assert.equal(cli('validate', binary).code, 66)
    })
  })

  it('checks a split delivery across its files (V14: customer file first)', async () => {
    await withTempDir(async (dir) => {
      const customer = await writeGz(dir, 'opwr_gec_res_v1-19-0_customer_20220411093005.gz', textOf(goodLines('customer')))
      const usage = await writeGz(dir, 'opwr_gec_res_v1-19-0_usage_20220411093001.gz', textOf(goodLines('usage')))
      const run = cli('validate', customer, usage, '--layout', 'split', '--utility', 'gec', '--format', 'json')
      assert.equal(run.code, 65)
      const report = JSON.parse(run.stdout) as { findings: { rule: string }[] }
      assert.deepEqual(report.findings.map((f) => f.rule), ['V07', 'V14'])
    })
  })

  it('writes an HTML report that Chromium renders with the totals of the JSON report', async () => {
    await withTempDir(async (dir) => {
      const good = await writeGz(dir, FULL_NAME, textOf(goodLines('full')))
      const bad = await writeGz(dir, 'opwr_gec_res_v1-19-0_full_20220411093001.gz', flawedText())
      const html = join(dir, 'report.html')
      const json = join(dir, 'report.json')
      assert.equal(cli('validate', good, bad, '--utility', 'gec', '--format', 'html', '--out', html).code, 65)
      assert.equal(cli('validate', good, bad, '--utility', 'gec', '--format', 'json', '--out', json).code, 65)
      const page = await readFile(html, 'utf8')
      assert.doesNotMatch(page, /<script|<link|https?:\/\//, 'the page loads nothing')
      const expected = JSON.parse(await readFile(json, 'utf8')) as { files: { rows: number }[]; errors: number; warnings: number }
      const screenshot = join(dir, 'report.png')
      await chromium([`--screenshot=${screenshot}`, '--window-size=1200,2400', `file://${html}`])
      assert.ok((await stat(screenshot)).size > 10_000, 'the screenshot shows a rendered page')
      const dom = await chromium(['--dump-dom', `file://${html}`])
      const total = (name: string): number => Number(new RegExp(`data-total="${name}">(\\d+)<`).exec(dom)?.[1])
      assert.equal(total('files'), 2)
      assert.equal(total('rows'), expected.files.reduce((sum, file) => sum + file.rows, 0))
      assert.equal(total('errors'), expected.errors)
      assert.equal(total('warnings'), expected.warnings)
      assert.equal(expected.errors, 1)
      assert.equal(expected.warnings, 1)
      assert.match(dom, /data-rule-count="V56">1</)
      assert.match(dom, /Reads per month of date_to, per fuel/)
      assert.ok((dom.match(/<rect /g) ?? []).length > 10, 'the charts have bars')
    })
  })
})
