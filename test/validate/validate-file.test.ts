import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { specColumnsOf, type FileType } from '../../src/spec/file-layout.js'
import { validateFile } from '../../src/validate/validate-file.js'
import { defaultValidationOptions } from '../../src/validate/validation-options.js'
import type { ValidationReport } from '../../src/validate/validation-report.js'
import {
  CUSTOMER_NAME,
  FULL_NAME,
  USAGE_NAME,
  goodLines,
  headerNames,
  textOf,
  withTempDir,
  writeGeneratedGz,
  writeGz,
  writePlain,
  writeZip,
} from './spec-file-fixtures.js'

const ENUMS = { customer_type: ['RES'], meter_type: ['ELECTRIC', 'GAS'], meter_unit: ['KWH', 'THERM'] }
const options = defaultValidationOptions({ utility: 'gec' })
const expectedOf = (fileType: FileType, mode: 'once' | 'twice' = 'once') => ({ fileType, columns: specColumnsOf(fileType, mode) })
const zipName = (name: string): string => name.replace(/\.gz$/, '.zip')
const innerName = (name: string): string => name.replace(/\.gz$/, '.tsv')

function assertClean(report: ValidationReport): void {
  assert.deepEqual(report.findings, [])
  assert.equal(report.errors, 0)
  assert.equal(report.warnings, 0)
  assert.equal(report.ok, true)
}

describe('validateFile on good files', () => {
  it('passes a full file, and says which rules it could not evaluate without lists or an expected layout', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGz(dir, FULL_NAME, textOf(goodLines('full')))
      const report = await validateFile(path, options)
      assertClean(report)
      assert.equal(report.file, path)
      assert.equal(report.rows, 10)
      assert.deepEqual(
        report.notEvaluated.map((skipped) => skipped.rule),
        ['V05', 'V32', 'V51'],
      )
    })
  })

  it('evaluates every applicable rule once the layout and enum lists are given', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGz(dir, FULL_NAME, textOf(goodLines('full')))
      const report = await validateFile(path, { ...options, expected: expectedOf('full'), enums: ENUMS })
      assertClean(report)
      assert.deepEqual(report.notEvaluated, [])
    })
  })

  it('passes a full file carrying service_point_id twice', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGz(dir, FULL_NAME, textOf(goodLines('full', 'twice')))
      assertClean(await validateFile(path, { ...options, servicePointIdInFull: 'twice' }))
    })
  })

  it('passes a customer + usage pair, gzip and zip', async () => {
    await withTempDir(async (dir) => {
      for (const [name, fileType, rows] of [
        [CUSTOMER_NAME, 'customer', 4],
        [USAGE_NAME, 'usage', 10],
      ] as const) {
        const text = textOf(goodLines(fileType))
        const checked = { ...options, expected: expectedOf(fileType), enums: ENUMS }
        const gz = await validateFile(await writeGz(dir, name, text), checked)
        const zip = await validateFile(await writeZip(dir, zipName(name), [[innerName(name), text]]), checked)
        for (const report of [gz, zip]) {
          assertClean(report)
          assert.equal(report.rows, rows)
          assert.deepEqual(report.notEvaluated, [])
        }
      }
    })
  })

  it('passes a CRLF file when crlf is configured', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGz(dir, FULL_NAME, goodLines('full').map((line) => `${line}\r\n`).join(''))
      assertClean(await validateFile(path, { ...options, crlf: true }))
    })
  })
})

describe('validateFile containers', () => {
  it('gives the same findings for gz, zip and plain input (plain adds V10)', async () => {
    await withTempDir(async (dir) => {
      const lines = goodLines('full')
      lines[1] = (lines[1] as string).replace('\t612.5\t', '\t612,5\t')
      lines[6] = (lines[6] as string).split('\t').slice(0, -1).join('\t')
      lines.splice(8, 0, '')
      const text = textOf(lines).replace('Richmond', 'Richmond ')
      const gz = await validateFile(await writeGz(dir, FULL_NAME, text), options)
      const zip = await validateFile(await writeZip(dir, zipName(FULL_NAME), [[innerName(FULL_NAME), text]]), options)
      const plain = await validateFile(await writePlain(dir, innerName(FULL_NAME), text), options)
      assert.deepEqual(
        gz.findings.map((f) => `${f.rule}:${f.severity}:${f.count}`),
        // V53: the city with a trailing space is an address change of the service point.
        ['V20:error:1', 'V23:warning:1', 'V25:warning:1', 'V53:warning:3', 'V56:error:1'],
      )
      assert.deepEqual(zip.findings, gz.findings)
      assert.deepEqual(
        plain.findings.filter((f) => f.rule !== 'V10'),
        gz.findings,
      )
      assert.deepEqual(
        plain.findings.filter((f) => f.rule === 'V10').map((f) => f.examples[0]?.message),
        ['the extension .tsv is not .gz or .zip and the content is not compressed'],
      )
      assert.equal(gz.rows, 10)
      assert.equal(plain.rows, 10)
    })
  })

  it('reports a zip with two entries as V11 and validates the first regular file', async () => {
    await withTempDir(async (dir) => {
      const inner = innerName(FULL_NAME)
      const path = await writeZip(dir, zipName(FULL_NAME), [
        [inner, textOf(goodLines('full'))],
        ['notes.txt', 'extract notes\n'],
      ])
      const report = await validateFile(path, options)
      assert.deepEqual(report.findings, [
        {
          rule: 'V11',
          severity: 'error',
          title: 'A zip holds exactly one regular file',
          count: 1,
          examples: [{ message: `the zip holds 2 entries: "${inner}" (file), "notes.txt" (file); validated "${inner}"` }],
        },
      ])
      assert.equal(report.rows, 10)
    })
  })

  it('reports a truncated gzip as V12 after validating the rows before the break', async () => {
    await withTempDir(async (dir) => {
      const path = await writeGeneratedGz(dir, FULL_NAME, 3000, 12)
      const bytes = await readFile(path)
      await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)))
      const report = await validateFile(path, options)
      const [finding] = report.findings
      assert.equal(report.findings.length, 1)
      assert.equal(finding?.rule, 'V12')
      assert.ok(report.rows > 1000 && report.rows < 36000, `rows ${report.rows}`)
      assert.equal(finding?.examples[0]?.line, report.rows + 2)
      assert.match(finding?.examples[0]?.message ?? '', /^decompression failed after line \d+ \(unexpected end of file\)/)
    })
  })

  it('reports a zip whose CRC-32 does not match the content as V12', async () => {
    await withTempDir(async (dir) => {
      const text = textOf(goodLines('full'))
      const path = await writeZip(dir, zipName(FULL_NAME), [[innerName(FULL_NAME), text]])
      const bytes = Buffer.from(await readFile(path))
      // The stored CRC sits at offset 14 of the local header and 16 of the central directory entry.
      const central = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
      bytes.writeUInt32LE((bytes.readUInt32LE(central + 16) ^ 1) >>> 0, central + 16)
      await writeFile(path, bytes)
      const report = await validateFile(path, options)
      assert.deepEqual(report.findings.map((f) => f.rule), ['V12'])
      assert.match(report.findings[0]?.examples[0]?.message ?? '', /CRC-32 mismatch/)
      assert.equal(report.rows, 10)
    })
  })

  it('raises INPUT_UNREADABLE naming the file when it is missing, binary, another format or a broken zip', async () => {
    await withTempDir(async (dir) => {
      const zip = await writeZip(dir, zipName(FULL_NAME), [[innerName(FULL_NAME), textOf(goodLines('full'))]])
      const zipBytes = await readFile(zip)
      await writeFile(zip, zipBytes.subarray(0, zipBytes.length - 30))
      const cases = [
        [join(dir, 'missing.gz'), /cannot be opened/],
        [await writePlain(dir, 'bzip.gz', Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(100)])), /compressed with bzip2/],
        [await writePlain(dir, 'binary.gz', Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7) % 32))), /looks binary/],
        [zip, /is not a readable zip archive/],
      ] as const
      for (const [path, message] of cases) {
        await assert.rejects(validateFile(path, options), (error: unknown) => {
          assert.ok(error instanceof ToolkitError)
          assert.equal(error.code, 'INPUT_UNREADABLE')
          assert.ok(error.message.startsWith(path), error.message)
          assert.match(error.message, message)
          return true
        })
      }
    })
  })
})

/** gzip bytes whose header carries FNAME (node's gzip never writes one). */
function gzipWithName(content: string, innerFileName: string): Buffer {
  const plain = gzipSync(content)
  const header = Buffer.from(plain.subarray(0, 10))
  header[3] = (header[3] ?? 0) | 0x08
  return Buffer.concat([header, Buffer.from(`${innerFileName}\0`, 'latin1'), plain.subarray(10)])
}

describe('validateFile inner file name (V13)', () => {
  it('reads the gzip FNAME: the archive base with .tsv passes, another name is a warning', async () => {
    await withTempDir(async (dir) => {
      const text = textOf(goodLines('full'))
      const path = join(dir, FULL_NAME)
      await writeFile(path, gzipWithName(text, innerName(FULL_NAME)))
      assertClean(await validateFile(path, options))
      await writeFile(path, gzipWithName(text, 'export.csv'))
      const report = await validateFile(path, options)
      assert.deepEqual(
        report.findings.map((f) => [f.rule, f.severity, f.examples[0]?.message]),
        [['V13', 'warning', `the inner file is "export.csv", expected "${innerName(FULL_NAME)}" (or .txt)`]],
      )
      assert.equal(report.rows, 10)
    })
  })
})

describe('validateFile reports', () => {
  it('counts every occurrence but keeps only exampleLimit examples', async () => {
    await withTempDir(async (dir) => {
      const lines = goodLines('full').map((line, i) => (i === 0 ? line : line.replace('\tVA\t', '\tVAX\t')))
      const path = await writeGz(dir, FULL_NAME, textOf(lines))
      const report = await validateFile(path, { ...options, exampleLimit: 3 })
      assert.equal(report.errors, 10)
      const [finding] = report.findings
      assert.equal(finding?.count, 10)
      assert.deepEqual(
        finding?.examples.map((e) => [e.line, e.servicePointId, e.column]),
        [
          [2, 'SP-7001', 'service_state'],
          [3, 'SP-7001', 'service_state'],
          [4, 'SP-7001', 'service_state'],
        ],
      )
    })
  })

  it('numbers lines as in the file: header is line 1, blank lines count', async () => {
    await withTempDir(async (dir) => {
      const lines = goodLines('full')
      lines.splice(2, 0, '', '')
      lines[5] = (lines[5] as string).replace('\t20220302\t', '\t20220332\t')
      const report = await validateFile(await writeGz(dir, FULL_NAME, textOf(lines)), options)
      const byRule = Object.fromEntries(report.findings.map((f) => [f.rule, f.examples.map((e) => e.line)]))
      assert.deepEqual(byRule, { V59: [6], V23: [3, 4] })
      assert.equal(report.rows, 10)
    })
  })

  it('never puts the value of a name or address column in a report', async () => {
    await withTempDir(async (dir) => {
      const names = headerNames('full')
      const lines = goodLines('full').map((line, i) => {
        if (i !== 1) return line
        const fields = line.split('\t')
        fields[names.indexOf('mail_address_line_1')] = 'NULL'
        fields[names.indexOf('business_name')] = ' Zebulon Quartermaine'
        fields[names.indexOf('service_street_name')] = 'Quillfeather\0Lane'
        fields[names.indexOf('service_zip_code')] = '2322Z'
        return fields.join('\t')
      })
      const report = await validateFile(await writeGz(dir, FULL_NAME, textOf(lines)), options)
      assert.deepEqual(report.findings.map((f) => f.rule), ['V21', 'V24', 'V25', 'V48', 'V53'])
      const text = JSON.stringify(report)
      for (const secret of ['Zebulon', 'Quartermaine', 'Quillfeather', '2322Z']) assert.ok(!text.includes(secret), secret)
    })
  })

  it('quotes the offending value, names and addresses included, only when showPersonalData asks', async () => {
    await withTempDir(async (dir) => {
      const names = headerNames('full')
      const lines = goodLines('full').map((line, i) => {
        if (i !== 1) return line
        const fields = line.split('\t')
        fields[names.indexOf('business_name')] = ' Zebulon Quartermaine'
        return fields.join('\t')
      })
      const path = await writeGz(dir, FULL_NAME, textOf(lines))
      const hidden = await validateFile(path, options)
      assert.equal(hidden.findings[0]?.examples[0]?.value, undefined)
      const shown = await validateFile(path, { ...options, showPersonalData: true })
      assert.equal(shown.findings[0]?.examples[0]?.value, ' Zebulon Quartermaine')
    })
  })

  it('reports a rule as not evaluated when the agreed header lacks its column', async () => {
    await withTempDir(async (dir) => {
      const columns = specColumnsOf('full', 'once').filter((c) => c.name !== 'read_cycle')
      const names = headerNames('full')
      const drop = names.indexOf('read_cycle')
      const lines = goodLines('full').map((line) => line.split('\t').filter((_, i) => i !== drop).join('\t'))
      const path = await writeGz(dir, FULL_NAME, textOf(lines))
      const report = await validateFile(path, { ...options, expected: { fileType: 'full', columns }, enums: ENUMS })
      assertClean(report)
      assert.deepEqual(report.notEvaluated, [{ rule: 'V44', reason: 'read_cycle is not in the header' }])
    })
  })

  it('reports an empty gzip as having no header and no rows', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, FULL_NAME)
      await writeFile(path, gzipSync(''))
      const report = await validateFile(path, options)
      assert.deepEqual(report.findings.map((f) => f.rule), ['V18', 'V26'])
      assert.equal(report.notEvaluated.find((n) => n.rule === 'V28')?.reason, 'the file has no header line')
    })
  })
})
