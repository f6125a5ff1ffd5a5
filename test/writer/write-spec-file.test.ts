import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { fileSpecsOf, type FileSpec } from '../../src/spec/file-layout.js'
import { cleanRecord } from '../../src/writer/clean-record.js'
import type { CleaningPolicy } from '../../src/writer/cleaning-policy.js'
import type { Compression } from '../../src/writer/compress-stage.js'
import { inBatches } from '../../src/platform/row-batches.js'
import { writeSpecFile } from '../../src/writer/write-spec-file.js'
import { readSpecFile, readZipEntries } from './read-spec-file.js'

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opx-'))
  dirs.push(dir)
  return dir
}
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

const nameOf = (type: string, compression: Compression, second = '00'): string =>
  `opwr_dem_res_v1-19-0_${type}_202611011200${second}.${compression}`
const specOf = (layout: 'single' | 'split', index: number, options: Parameters<typeof fileSpecsOf>[1]): FileSpec =>
  fileSpecsOf(layout, options)[index] as FileSpec

const CUSTOMER_COLUMNS = [
  'customer_id', 'premise_id', 'secondary_id', 'ccb_account_id', 'mail_address_line_1', 'customer_type', 'business_name',
  'account_id', 'active_date', 'inactive_date', 'is_account_deletion', 'read_cycle',
  'service_point_id', 'service_house_number', 'service_street_name', 'service_unit', 'service_city', 'service_state',
  'service_zip_code', 'meter_type', 'meter_unit', 'bldg_sq_foot',
]
const USAGE_COLUMNS = ['service_point_id', 'usage_value', 'date_to', 'duration', 'is_estimate', 'usage_charge']
const USAGE = specOf('split', 1, { servicePointIdInFull: 'once' })
const USAGE_HEADER = USAGE_COLUMNS.join('\t') + '\n'

describe('writeSpecFile: header and column order', () => {
  const cases: [string, FileSpec, string, string[]][] = [
    ['single layout, service_point_id once', specOf('single', 0, { servicePointIdInFull: 'once' }), 'full',
      [...CUSTOMER_COLUMNS, ...USAGE_COLUMNS.slice(1)]],
    ['single layout, service_point_id twice', specOf('single', 0, { servicePointIdInFull: 'twice' }), 'full',
      [...CUSTOMER_COLUMNS, ...USAGE_COLUMNS]],
    ['split layout, customer file', specOf('split', 0, { servicePointIdInFull: 'once' }), 'customer', CUSTOMER_COLUMNS],
    ['split layout, usage file', USAGE, 'usage', USAGE_COLUMNS],
    ['template header for the usage file', specOf('split', 1, {
      servicePointIdInFull: 'once',
      templateHeaders: { usage: ['service_point_id', 'date_to', 'duration', 'usage_value', 'is_estimate', 'read_type'] },
    }), 'usage', ['service_point_id', 'date_to', 'duration', 'usage_value', 'is_estimate', 'read_type']],
    ['template header for the full file', specOf('single', 0, {
      servicePointIdInFull: 'once',
      templateHeaders: { full: ['customer_id', 'account_id', 'service_point_id', 'usage_value', 'date_to', 'duration', 'is_estimate'] },
    }), 'full', ['customer_id', 'account_id', 'service_point_id', 'usage_value', 'date_to', 'duration', 'is_estimate']],
  ]
  for (const [label, spec, type, columns] of cases) {
    it(`${label}: header then values in that order`, async () => {
      const dir = await tempDir()
      const row = columns.map((name) => `${name}=1`)
      const written = await writeSpecFile([[row]], { spec, dir, fileName: nameOf(type, 'gz'), compression: 'gz' })
      const expected = columns.join('\t') + '\n' + row.join('\t') + '\n'
      assert.ok((await readSpecFile(written.path)).equals(Buffer.from(expected, 'utf8')))
      assert.equal(written.rows, 1)
    })
  }
})

describe('writeSpecFile: values are written exactly as given', () => {
  const records = [
    ["O'Brien", '"Big" Co', 'A|B', 'C:\\dir\\', '1,234', ''],
    ['José', 'Nguyễn', 'Zoë', 'Łódź', '東京', '\u00a0nbsp'],
  ]
  const expected = Buffer.from(
    USAGE_HEADER + 'O\'Brien\t"Big" Co\tA|B\tC:\\dir\\\t1,234\t\n' + 'José\tNguyễn\tZoë\tŁódź\t東京\t\u00a0nbsp\n',
    'utf8',
  )
  for (const compression of ['gz', 'zip'] as const) {
    it(`${compression}: no quoting, no escaping, UTF-8 without BOM, LF at the end`, async () => {
      const dir = await tempDir()
      const written = await writeSpecFile([records], { spec: USAGE, dir, fileName: nameOf('usage', compression), compression })
      const bytes = await readSpecFile(written.path)
      assert.ok(bytes.equals(expected), bytes.toString('utf8'))
      assert.notDeepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
      assert.equal(bytes.at(-1), 0x0a)
      assert.equal(written.rows, 2)
    })
  }
})

describe('writeSpecFile: cleaning happens before the writer, and no row ever shifts', () => {
  const spec = specOf('split', 0, {
    servicePointIdInFull: 'once',
    templateHeaders: { customer: ['customer_id', 'business_name', 'service_street_name'] },
  })
  const records = [
    ['c1', 'Tab\tCo', 'Main St'],
    ['c2', 'CR\rLF\nCRLF\r\nend', 'Elm St'],
    ['c3', 'Nul\0Co', 'Oak\tAve'],
    ['c4', 'Clean Co', 'Pine St'],
  ]
  const cases: [CleaningPolicy, string, number[]][] = [
    [{ tab: 'space', line_break: 'space', nul: 'remove' },
      'c1\tTab Co\tMain St\nc2\tCR LF CRLF end\tElm St\nc3\tNulCo\tOak Ave\nc4\tClean Co\tPine St\n', []],
    [{ tab: 'remove', line_break: 'remove', nul: 'remove' },
      'c1\tTabCo\tMain St\nc2\tCRLFCRLFend\tElm St\nc3\tNulCo\tOakAve\nc4\tClean Co\tPine St\n', []],
    [{ tab: 'reject', line_break: 'reject', nul: 'reject' }, 'c4\tClean Co\tPine St\n', [0, 1, 2]],
    [{ tab: 'space', line_break: 'reject', nul: 'reject' }, 'c1\tTab Co\tMain St\nc4\tClean Co\tPine St\n', [1, 2]],
  ]
  for (const [policy, body, rejectedRows] of cases) {
    it(`tab ${policy.tab}, line_break ${policy.line_break}, nul ${policy.nul}`, async () => {
      const dir = await tempDir()
      const rejected: number[] = []
      async function* cleaned(): AsyncIterable<readonly string[]> {
        for (const [index, record] of records.entries()) {
          const result = cleanRecord(record, policy)
          if (result.ok) yield result.values
          else rejected.push(index)
        }
      }
      const written = await writeSpecFile(inBatches(cleaned()), { spec, dir, fileName: nameOf('customer', 'gz'), compression: 'gz' })
      const bytes = await readSpecFile(written.path)
      assert.ok(bytes.equals(Buffer.from('customer_id\tbusiness_name\tservice_street_name\n' + body, 'utf8')), JSON.stringify(bytes.toString()))
      assert.deepEqual(rejected, rejectedRows)
      const lines = bytes.toString('utf8').split('\n')
      assert.equal(lines.pop(), '')
      for (const line of lines) assert.equal(line.split('\t').length, 3, JSON.stringify(line))
      assert.equal(written.rows, records.length - rejectedRows.length)
    })
  }
})

describe('writeSpecFile: packaging', () => {
  const records = [
    ['sp1', '12.5', '20260101', '31', 'A', '3.10'],
    ['sp1', '13', '20260201', '31', 'E', ''],
  ]
  const tsv = USAGE_HEADER + 'sp1\t12.5\t20260101\t31\tA\t3.10\nsp1\t13\t20260201\t31\tE\t\n'

  it('gz: same input gives identical bytes; size and SHA-256 describe the file; owner-only', async () => {
    const [first, second] = [await tempDir(), await tempDir()]
    const a = await writeSpecFile([records], { spec: USAGE, dir: first, fileName: nameOf('usage', 'gz'), compression: 'gz' })
    const b = await writeSpecFile([records], { spec: USAGE, dir: second, fileName: nameOf('usage', 'gz'), compression: 'gz' })
    const [bytesA, bytesB] = [await readFile(a.path), await readFile(b.path)]
    assert.ok(bytesA.equals(bytesB))
    // gzip header: no FNAME/FCOMMENT flags, MTIME zero.
    assert.deepEqual([...bytesA.subarray(0, 8)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0])
    assert.equal(a.bytes, bytesA.length)
    assert.equal(a.sha256, createHash('sha256').update(bytesA).digest('hex'))
    assert.equal(a.sha256, b.sha256)
    assert.equal(a.path, join(first, nameOf('usage', 'gz')))
    assert.equal(a.rows, 2)
    assert.ok((await readSpecFile(a.path)).equals(Buffer.from(tsv)))
    if (process.platform !== 'win32') assert.equal((await stat(a.path)).mode & 0o777, 0o600)
    assert.deepEqual(await readdir(first), [nameOf('usage', 'gz')])
  })

  it('gz: the level is configurable and changes only the compressed bytes', async () => {
    const dir = await tempDir()
    const many = Array.from({ length: 2000 }, (_, i) => [`sp${i % 7}`, `${i}`, '20260101', '31', 'A', ''])
    const fast = await writeSpecFile(inBatches(many), { spec: USAGE, dir, fileName: nameOf('usage', 'gz', '01'), compression: 'gz', level: 1 })
    const best = await writeSpecFile(inBatches(many), { spec: USAGE, dir, fileName: nameOf('usage', 'gz', '02'), compression: 'gz', level: 9 })
    assert.notEqual(fast.sha256, best.sha256)
    assert.ok((await readSpecFile(fast.path)).equals(await readSpecFile(best.path)))
  })

  it('zip: exactly one entry named .tsv, no directories, identical bytes for the same input', async () => {
    const [first, second] = [await tempDir(), await tempDir()]
    const a = await writeSpecFile([records], { spec: USAGE, dir: first, fileName: nameOf('usage', 'zip'), compression: 'zip' })
    const b = await writeSpecFile([records], { spec: USAGE, dir: second, fileName: nameOf('usage', 'zip'), compression: 'zip' })
    const entries = await readZipEntries(a.path)
    assert.deepEqual(
      entries.map((entry) => [entry.name, entry.isDirectory]),
      [['opwr_dem_res_v1-19-0_usage_20261101120000.tsv', false]],
    )
    assert.ok(entries[0]?.data.equals(Buffer.from(tsv)))
    const bytesA = await readFile(a.path)
    assert.ok(bytesA.equals(await readFile(b.path)))
    assert.equal(a.bytes, bytesA.length)
    assert.equal(a.sha256, createHash('sha256').update(bytesA).digest('hex'))
    // local file header: compression method 8 (deflate)
    assert.equal(bytesA.readUInt32LE(0), 0x04034b50)
    assert.equal(bytesA.readUInt16LE(8), 8)
    if (process.platform !== 'win32') assert.equal((await stat(a.path)).mode & 0o777, 0o600)
  })

  for (const compression of ['gz', 'zip'] as const) {
    it(`${compression}: many rows across many chunks read back exactly`, async () => {
      const dir = await tempDir()
      const many = Array.from({ length: 30_000 }, (_, i) => [`sp${i}`, `${i}.5`, '20260101', '31', i % 2 ? 'A' : 'E', `Zoë ${i}`])
      const written = await writeSpecFile(inBatches(many), { spec: USAGE, dir, fileName: nameOf('usage', compression), compression })
      const expected = USAGE_HEADER + many.map((r) => r.join('\t') + '\n').join('')
      assert.equal(written.rows, 30_000)
      assert.ok((await readSpecFile(written.path)).equals(Buffer.from(expected, 'utf8')))
    })
  }

  it('zip and gz: the same bytes whatever the process time zone', async () => {
    const dir = await tempDir()
    const here = await Promise.all(
      (['gz', 'zip'] as const).map((compression) =>
        writeSpecFile([records], { spec: USAGE, dir, fileName: nameOf('usage', compression), compression }),
      ),
    )
    const module = new URL('../../src/writer/write-spec-file.js', import.meta.url).href
    const layout = new URL('../../src/spec/file-layout.js', import.meta.url).href
    const script = `
      const { writeSpecFile } = await import(${JSON.stringify(module)})
      const { fileSpecsOf } = await import(${JSON.stringify(layout)})
      const [, spec] = fileSpecsOf('split', { servicePointIdInFull: 'once' })
      const out = []
      for (const compression of ['gz', 'zip']) {
        const name = 'opwr_dem_res_v1-19-0_usage_20261101120000.' + compression
        out.push((await writeSpecFile(${JSON.stringify([records])}, { spec, dir: process.argv[1], fileName: name, compression })).sha256)
      }
      console.log(out.join(' '))`
    for (const tz of ['Pacific/Kiritimati', 'America/St_Johns']) {
      const elsewhere = await tempDir()
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, elsewhere], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      })
      assert.equal(child.status, 0, child.stderr)
      assert.equal(child.stdout.trim(), here.map((file) => file.sha256).join(' '), `TZ=${tz}`)
    }
  })

  it('mode: another owner-only-or-stricter mode is applied exactly', async () => {
    if (process.platform === 'win32') return
    const dir = await tempDir()
    const written = await writeSpecFile([records], { spec: USAGE, dir, fileName: nameOf('usage', 'gz'), compression: 'gz', mode: 0o400 })
    assert.equal((await stat(written.path)).mode & 0o777, 0o400)
  })

  it('an empty source gives a header-only file with rows 0', async () => {
    const dir = await tempDir()
    const written = await writeSpecFile([], { spec: USAGE, dir, fileName: nameOf('usage', 'gz'), compression: 'gz' })
    assert.equal(written.rows, 0)
    assert.ok((await readSpecFile(written.path)).equals(Buffer.from(USAGE_HEADER)))
  })
})

describe('writeSpecFile: never a half-written file under its final name', () => {
  const row = ['sp1', '1', '20260101', '31', 'A', '']

  async function* slowRows(onRow: (index: number) => void | Promise<void>): AsyncIterable<readonly string[]> {
    for (let index = 0; index < 1000; index++) {
      await onRow(index)
      await sleep(2)
      yield row
    }
  }

  for (const compression of ['gz', 'zip'] as const) {
    it(`${compression}: while writing only a non-opwr_ temporary name exists; an abort removes it`, async () => {
      const dir = await tempDir()
      const controller = new AbortController()
      const seen: string[][] = []
      const rows = slowRows(async (index) => {
        if (index === 20) seen.push(await readdir(dir))
        if (index === 40) controller.abort()
      })
      const fileName = nameOf('usage', compression)
      await assert.rejects(
        writeSpecFile(inBatches(rows, 1), { spec: USAGE, dir, fileName, compression, signal: controller.signal }),
        { name: 'AbortError' },
      )
      assert.equal(seen.length, 1)
      const during = seen[0] as string[]
      assert.equal(during.length, 1)
      assert.ok(!during[0]?.startsWith('opwr_'), during[0])
      assert.ok(during[0]?.startsWith(`.part-${fileName}-${process.pid}-`), during[0])
      assert.deepEqual(await readdir(dir), [])
    })

    it(`${compression}: an error thrown by the record source reaches the caller unchanged and leaves nothing`, async () => {
      const dir = await tempDir()
      const failure = new Error('billing database went away')
      const rows = slowRows((index) => {
        if (index === 10) throw failure
      })
      await assert.rejects(
        writeSpecFile(inBatches(rows, 1), { spec: USAGE, dir, fileName: nameOf('usage', compression), compression }),
        (error) => error === failure,
      )
      assert.deepEqual(await readdir(dir), [])
    })

    it(`${compression}: a record of the wrong width fails the file and leaves nothing`, async () => {
      const dir = await tempDir()
      await assert.rejects(
        writeSpecFile([[row, row.slice(1)]], { spec: USAGE, dir, fileName: nameOf('usage', compression), compression }),
        /row 3 has 5 values but the header has 6 columns/,
      )
      assert.deepEqual(await readdir(dir), [])
    })
  }

  it('an already aborted signal writes nothing', async () => {
    const dir = await tempDir()
    const signal = AbortSignal.abort()
    await assert.rejects(
      writeSpecFile([[row]], { spec: USAGE, dir, fileName: nameOf('usage', 'gz'), compression: 'gz', signal }),
      { name: 'AbortError' },
    )
    assert.deepEqual(await readdir(dir), [])
  })

  it('refuses to replace a file that already has the final name', async () => {
    const dir = await tempDir()
    const fileName = nameOf('usage', 'gz')
    await writeFile(join(dir, fileName), 'delivered before')
    await assert.rejects(
      writeSpecFile([[row]], { spec: USAGE, dir, fileName, compression: 'gz' }),
      (error) => error instanceof ToolkitError && error.code === 'OUTPUT_NOT_WRITABLE' && error.message.includes(fileName),
    )
    assert.equal(await readFile(join(dir, fileName), 'utf8'), 'delivered before')
    assert.deepEqual(await readdir(dir), [fileName])
  })

  it('refuses a final name that differs from an existing file only in case (one file on Windows and macOS)', async () => {
    const dir = await tempDir()
    const fileName = nameOf('usage', 'gz')
    const upper = fileName.toUpperCase()
    await writeFile(join(dir, upper), 'delivered before')
    await assert.rejects(
      writeSpecFile([[row]], { spec: USAGE, dir, fileName, compression: 'gz' }),
      (error) => error instanceof ToolkitError && error.code === 'OUTPUT_NOT_WRITABLE' && error.message.includes('already exists'),
    )
    assert.deepEqual(await readdir(dir), [upper])
  })

  it('a missing output folder is an OUTPUT_NOT_WRITABLE error naming the file', async () => {
    const dir = join(await tempDir(), 'missing')
    await assert.rejects(
      writeSpecFile([[row]], { spec: USAGE, dir, fileName: nameOf('usage', 'gz'), compression: 'gz' }),
      (error) =>
        error instanceof ToolkitError &&
        error.code === 'OUTPUT_NOT_WRITABLE' &&
        error.message.includes(dir) &&
        error.message.includes('ENOENT') &&
        error.hint !== undefined,
    )
  })

  it('refuses a file name that is a path or does not match the compression', async () => {
    const dir = await tempDir()
    await assert.rejects(
      writeSpecFile([[row]], { spec: USAGE, dir, fileName: `../${nameOf('usage', 'gz')}`, compression: 'gz' }),
      /must be a bare file name/,
    )
    await assert.rejects(
      writeSpecFile([[row]], { spec: USAGE, dir, fileName: nameOf('usage', 'gz'), compression: 'zip' }),
      /does not end in \.zip/,
    )
    assert.deepEqual(await readdir(dir), [])
  })
})
