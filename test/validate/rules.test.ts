// One minimal bad file (or bad name) per implemented rule and plausibility check, each flagged by exactly that rule.
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { specColumnsOf, type FileSpec } from '../../src/spec/file-layout.js'
import { DEFAULT_CHECKS } from '../../src/validate/rule-catalog.js'
import { validateFile } from '../../src/validate/validate-file.js'
import { defaultValidationOptions, type ValidationOptions } from '../../src/validate/validation-options.js'
import type { ValidationReport } from '../../src/validate/validation-report.js'
import {
  FULL_NAME,
  goodLines,
  headerNames,
  textOf,
  withTempDir,
  writeGeneratedGz,
  writeGz,
  writePlain,
  writeZip,
} from './spec-file-fixtures.js'

const BASE_OPTIONS = { utility: 'gec' } as const

interface RuleCase {
  readonly rule: string
  readonly severity?: 'error' | 'warning'
  readonly what: string
  readonly name?: string
  readonly options?: Partial<ValidationOptions>
  /** Edits the good full file's lines (header = index 0). */
  readonly edit?: (lines: string[]) => string[]
  /** Writes the file itself (content-level defects a line edit cannot express). */
  readonly write?: (dir: string, name: string, good: string) => Promise<string>
}

/** Sets one field of one line (line index 0 = header) of the full file, by column name. */
function setField(line: number, column: string, value: string, mode: 'once' | 'twice' = 'once') {
  const index = headerNames('full', mode).lastIndexOf(column)
  return (lines: string[]): string[] => {
    const fields = (lines[line] as string).split('\t')
    fields[index] = value
    lines[line] = fields.join('\t')
    return lines
  }
}

/**
 * Sets one field on every row of the service point of `line`: an address or account value that is wrong
 * everywhere, as a source would write it (one odd row would also be a V53 address change).
 */
function setFieldOnServicePoint(line: number, column: string, value: string) {
  const names = headerNames('full')
  const index = names.lastIndexOf(column)
  const sp = names.indexOf('service_point_id')
  return (lines: string[]): string[] => {
    const target = (lines[line] as string).split('\t')[sp]
    return lines.map((text, at) => {
      const fields = text.split('\t')
      if (at === 0 || fields[sp] !== target) return text
      fields[index] = value
      return fields.join('\t')
    })
  }
}

const fullSpecWith = (change: (spec: FileSpec) => FileSpec): FileSpec =>
  change({ fileType: 'full', columns: specColumnsOf('full', 'once') })

const CASES: readonly RuleCase[] = [
  { rule: 'V01', what: 'prefix is not opwr', name: 'opwx_gec_res_v1-19-0_full_20220411093000.gz' },
  { rule: 'V02', what: 'another utility code', name: 'opwr_gex_res_v1-19-0_full_20220411093000.gz' },
  { rule: 'V03', what: 'nonres without allowNonres', name: 'opwr_gec_nonres_v1-19-0_full_20220411093000.gz' },
  { rule: 'V04', what: 'an older spec version', name: 'opwr_gec_res_v1-18-0_full_20220411093000.gz' },
  {
    rule: 'V05',
    what: 'a usage token on the layout full file',
    name: 'opwr_gec_res_v1-19-0_usage_20220411093000.gz',
    options: { expected: { fileType: 'full', columns: specColumnsOf('full', 'once') } },
  },
  { rule: 'V06', what: 'February 31st', name: 'opwr_gec_res_v1-19-0_full_20220231093000.gz' },
  { rule: 'V06', what: 'hour 24', name: 'opwr_gec_res_v1-19-0_full_20220411240000.gz' },
  { rule: 'V09', what: 'a name over the limit', options: { maxFileNameLength: 40 } },
  {
    rule: 'V10',
    what: 'plain text named .gz',
    write: (dir, name, good) => writePlain(dir, name, good),
  },
  {
    rule: 'V10',
    what: 'an uncompressed .tsv',
    name: 'opwr_gec_res_v1-19-0_full_20220411093000.tsv',
    write: (dir, name, good) => writePlain(dir, name, good),
  },
  {
    rule: 'V10',
    what: 'a zip named .gz',
    write: (dir, name, good) => writeZip(dir, name, [['opwr_gec_res_v1-19-0_full_20220411093000.tsv', good]]),
  },
  {
    rule: 'V11',
    what: 'a zip with two files',
    name: 'opwr_gec_res_v1-19-0_full_20220411093000.zip',
    write: (dir, name, good) =>
      writeZip(dir, name, [
        ['opwr_gec_res_v1-19-0_full_20220411093000.tsv', good],
        ['readme.txt', 'extract notes'],
      ]),
  },
  {
    rule: 'V11',
    what: 'a zip with a directory entry',
    name: 'opwr_gec_res_v1-19-0_full_20220411093000.zip',
    write: (dir, name, good) =>
      writeZip(dir, name, [
        ['out/', ''],
        ['opwr_gec_res_v1-19-0_full_20220411093000.tsv', good],
      ]),
  },
  {
    rule: 'V12',
    what: 'a gzip cut short',
    write: async (dir, name) => {
      const path = await writeGeneratedGz(dir, name, 2000, 12)
      const bytes = await readFile(path)
      await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
      return path
    },
  },
  {
    rule: 'V12',
    what: 'a gzip whose CRC does not match',
    write: async (dir, name, good) => {
      const path = await writeGz(dir, name, good)
      const bytes = Buffer.from(await readFile(path))
      bytes[bytes.length - 8] = (bytes[bytes.length - 8] ?? 0) ^ 0xff
      await writeFile(path, bytes)
      return path
    },
  },
  {
    rule: 'V13',
    severity: 'warning',
    what: 'a zip entry named data.csv',
    name: 'opwr_gec_res_v1-19-0_full_20220411093000.zip',
    write: (dir, name, good) => writeZip(dir, name, [['data.csv', good]]),
  },
  {
    rule: 'V16',
    what: 'a Latin-1 byte in a mailing address',
    write: (dir, name, good) => writeGz(dir, name, Buffer.from(good.replace('PO Box 77', 'PO Box \u00e977'), 'latin1')),
  },
  { rule: 'V17', severity: 'warning', what: 'a BOM', write: (dir, name, good) => writeGz(dir, name, `\ufeff${good}`) },
  {
    rule: 'V18',
    what: 'a misspelt header column',
    edit: (lines) => [(lines[0] as string).replace('secondary_id', 'secondry_id'), ...lines.slice(1)],
  },
  {
    rule: 'V18',
    what: 'the usage service_point_id missing in twice mode',
    options: { servicePointIdInFull: 'twice' },
  },
  { rule: 'V19', what: 'the header again mid-file', edit: (lines) => [...lines.slice(0, 4), lines[0] as string, ...lines.slice(4)] },
  { rule: 'V20', what: 'a row missing its last field', edit: (lines) => ((lines[3] = (lines[3] as string).replace(/\t[^\t]*$/, '')), lines) },
  { rule: 'V20', what: 'a TAB inside a street name', edit: (lines) => ((lines[2] = (lines[2] as string).replace('W 24th St', 'W 24th\tSt')), lines) },
  { rule: 'V21', what: 'a NUL in a mailing address', edit: (lines) => ((lines[3] = (lines[3] as string).replace('PO Box', 'PO\0Box')), lines) },
  { rule: 'V22', what: 'one CRLF line in an LF file', write: (dir, name, good) => writeGz(dir, name, good.replace('\n', '\r\n')) },
  { rule: 'V22', what: 'LF lines in a CRLF file', options: { crlf: true } },
  { rule: 'V23', severity: 'warning', what: 'no final newline', write: (dir, name, good) => writeGz(dir, name, good.slice(0, -1)) },
  { rule: 'V23', severity: 'warning', what: 'a blank line', edit: (lines) => [...lines.slice(0, 3), '', ...lines.slice(3)] },
  { rule: 'V24', what: 'NULL for an empty ccb_account_id', edit: setField(2, 'ccb_account_id', 'NULL') },
  { rule: 'V24', what: '\\N for an empty business_name', edit: setField(3, 'business_name', '\\N') },
  { rule: 'V24', what: 'n/a for an empty secondary_id', edit: setField(1, 'secondary_id', 'n/a') },
  { rule: 'V25', severity: 'warning', what: 'a trailing space in a city', edit: setFieldOnServicePoint(1, 'service_city', 'Richmond ') },
  { rule: 'V26', what: 'a header and no rows', edit: (lines) => lines.slice(0, 1) },
  {
    rule: 'V27',
    what: 'the two service_point_id columns disagree',
    options: { servicePointIdInFull: 'twice' },
    edit: (lines) => setField(1, 'service_point_id', 'SP-7999', 'twice')(twiceLines(lines)),
  },
  { rule: 'V28', what: 'an empty customer_id', edit: setField(1, 'customer_id', '') },
  { rule: 'V29', what: 'an empty premise_id', edit: setField(1, 'premise_id', '') },
  { rule: 'V31', severity: 'warning', what: 'secondary_id = customer_id', edit: setField(1, 'secondary_id', 'C-100231') },
  {
    rule: 'V32',
    what: 'a customer_type outside the configured list',
    options: { enums: { customer_type: ['RES', 'COM'] } },
    edit: setField(1, 'customer_type', 'IND'),
  },
  {
    rule: 'V33',
    what: 'an empty column the template marks required',
    options: {
      expected: fullSpecWith((spec) => ({
        ...spec,
        columns: spec.columns.map((c) => (c.name === 'mail_address_line_1' ? { ...c, required: true } : c)),
      })),
    },
    edit: setField(4, 'mail_address_line_1', ''),
  },
  { rule: 'V34', what: 'an empty account_id', edit: setField(1, 'account_id', '') },
  { rule: 'V35', what: 'active_date February 30th', edit: setField(1, 'active_date', '20220230') },
  { rule: 'V35', what: 'an empty active_date', edit: setField(1, 'active_date', '') },
  { rule: 'V36', what: 'inactive_date with dashes', edit: setField(1, 'inactive_date', '2022-01-31') },
  { rule: 'V37', what: 'inactive before active', edit: setField(1, 'inactive_date', '20211130') },
  { rule: 'V39', what: 'is_account_deletion yes', edit: setField(1, 'is_account_deletion', 'yes') },
  { rule: 'V39', what: 'is_account_deletion TRUE (case-sensitive)', edit: setField(1, 'is_account_deletion', 'TRUE') },
  { rule: 'V44', severity: 'warning', what: 'read_cycle with a dash', edit: setField(1, 'read_cycle', '07-A') },
  { rule: 'V45', what: 'an empty street name', edit: setFieldOnServicePoint(1, 'service_street_name', '') },
  { rule: 'V45', what: 'an empty service_point_id', edit: setField(5, 'service_point_id', '') },
  { rule: 'V46', what: 'a 3-letter state', edit: setFieldOnServicePoint(1, 'service_state', 'VAX') },
  { rule: 'V46', severity: 'warning', what: 'a lowercase state', edit: setFieldOnServicePoint(1, 'service_state', 'va') },
  { rule: 'V48', what: 'a 4-digit zip', edit: setFieldOnServicePoint(1, 'service_zip_code', '2322') },
  { rule: 'V48', severity: 'warning', what: 'ZIP+4 without hyphen', edit: setFieldOnServicePoint(1, 'service_zip_code', '232201234') },
  {
    rule: 'V51',
    what: 'a meter_type outside the configured list',
    options: { enums: { meter_type: ['ELECTRIC', 'GAS'], meter_unit: ['KWH', 'THERM'] } },
    edit: setField(5, 'meter_type', 'WATER'),
  },
  { rule: 'V55', what: 'an empty is_estimate', edit: setField(1, 'is_estimate', '') },
  { rule: 'V55', what: 'an empty usage_value', edit: setField(1, 'usage_value', '') },
  {
    rule: 'V55',
    what: 'an empty usage service_point_id (twice mode)',
    options: { servicePointIdInFull: 'twice' },
    edit: (lines) => setField(10, 'service_point_id', '', 'twice')(twiceLines(lines)),
  },
  { rule: 'V56', what: 'a thousands separator', edit: setField(1, 'usage_value', '1,612.5') },
  { rule: 'V56', what: 'exponent notation', edit: setField(1, 'usage_value', '6.1e2') },
  { rule: 'V57', what: 'a value over 999999999', edit: setField(1, 'usage_value', '1000000000') },
  { rule: 'V57', what: 'a fraction over 999999999', edit: setField(1, 'usage_value', '999999999.01') },
  { rule: 'V58', what: 'a negative value', edit: setField(1, 'usage_value', '-12.5') },
  { rule: 'V58', what: 'a zero value with rejectZeroUsage', options: { rejectZeroUsage: true } },
  { rule: 'V59', what: 'date_to 13th month', edit: setField(1, 'date_to', '20221301') },
  { rule: 'V61', what: 'duration 30.0', edit: setField(1, 'duration', '30.0') },
  { rule: 'V61', what: 'duration 0', edit: setField(1, 'duration', '0') },
  {
    rule: 'V62',
    severity: 'warning',
    what: 'duration 45 days (on an account that started 45 days before)',
    edit: (lines) => setField(2, 'active_date', '20211116')(setField(1, 'active_date', '20211116')(setField(1, 'duration', '45')(lines))),
  },
  { rule: 'V63', what: 'is_estimate X', edit: setField(1, 'is_estimate', 'X') },
  { rule: 'V64', what: 'a currency symbol', edit: setField(1, 'usage_charge', '$81.23') },
  { rule: 'V64', what: 'three decimals', edit: setField(1, 'usage_charge', '81.234') },
  { rule: 'V65', what: 'a row repeated', edit: (lines) => [...lines.slice(0, 3), lines[2] as string, ...lines.slice(3)] },
  {
    rule: 'V66',
    what: 'two reads swapped',
    edit: (lines) => [...lines.slice(0, 7), lines[8] as string, lines[7] as string, ...lines.slice(9)],
  },
  {
    rule: 'V66',
    what: 'a service point split in two runs',
    edit: (lines) => [...lines.slice(0, 4), ...lines.slice(5), lines[4] as string],
  },
  { rule: 'V08', severity: 'warning', what: 'a timestamp after the clock', options: { now: new Date(Date.UTC(2022, 3, 11, 9, 0, 0)) } },
  { rule: 'V30', what: 'no ccb_account_id at a CC&B utility', options: { usesOracleCcb: true } },
  { rule: 'V38', severity: 'warning', what: 'an inactive_date in 2099', edit: setFieldOnServicePoint(7, 'inactive_date', '20990101') },
  { rule: 'V40', what: 'a deletion flag before Opower enabled deletion', edit: setFieldOnServicePoint(7, 'is_account_deletion', 'true') },
  {
    rule: 'V41',
    what: 'a deletion flag on the moved-out account',
    options: { accountDeletionEnabled: true },
    edit: (lines) => setField(2, 'is_account_deletion', 't')(setField(1, 'is_account_deletion', 't')(lines)),
  },
  { rule: 'V42', what: 'an account with two active dates', edit: setField(4, 'active_date', '20220201') },
  { rule: 'V43', severity: 'warning', what: 'active_date weeks before the first read', edit: setFieldOnServicePoint(7, 'active_date', '20211015') },
  { rule: 'V47', severity: 'warning', what: 'a city written "Richmond VA"', edit: setFieldOnServicePoint(7, 'service_city', 'Richmond VA') },
  {
    rule: 'V49',
    what: 'a second premise at the same address, units missing',
    edit: (lines) =>
      [
        setFieldOnServicePoint(7, 'service_house_number', '123'),
        setFieldOnServicePoint(7, 'service_street_name', 'W 24th St NE'),
        setFieldOnServicePoint(7, 'service_zip_code', '23220'),
      ].reduce((acc, edit) => edit(acc), lines),
  },
  { rule: 'V50', severity: 'warning', what: 'service_unit "Rear"', edit: setFieldOnServicePoint(7, 'service_unit', 'Rear') },
  { rule: 'V52', what: 'a service point at two premises', edit: setField(6, 'premise_id', 'P-5120') },
  { rule: 'V53', severity: 'warning', what: 'a house number that changes', edit: setField(2, 'service_house_number', '125') },
  {
    rule: 'V54',
    what: 'two electric service points at one premise',
    options: { fuelColumn: 'meter_type' },
    edit: setFieldOnServicePoint(5, 'meter_type', 'ELECTRIC'),
  },
  { rule: 'V60', severity: 'warning', what: 'reads before the history start', options: { historyStart: '20220101' } },
  {
    rule: 'V68',
    severity: 'warning',
    what: 'a read repeated with another is_estimate',
    edit: (lines) => [...lines.slice(0, 3), setField(0, 'is_estimate', 'U')([lines[2] as string])[0] as string, ...lines.slice(3)],
  },
  { rule: 'V71', what: 'a read overlapping the one before', edit: setField(2, 'duration', '35') },
  { rule: 'V72', severity: 'warning', what: 'a gap of 3 days inside an account', edit: setField(9, 'duration', '28') },
  {
    rule: 'V73',
    what: 'an overlapping overwrite that repeats the replaced value',
    edit: (lines) => [...lines, setField(0, 'duration', '61')(setField(0, 'date_to', '20220403')([lines[10] as string]))[0] as string],
  },
  { rule: 'V75', what: 'an account under two customers', edit: setField(4, 'customer_id', 'C-100231') },
  { rule: 'V76', what: 'two customers at one premise at once', edit: setFieldOnServicePoint(5, 'customer_id', 'C-300000') },
  {
    rule: 'V77',
    what: 'a moved-out account without inactive_date',
    edit: (lines) => setField(2, 'inactive_date', '')(setField(1, 'inactive_date', '')(setField(2, 'customer_id', 'C-100877')(setField(1, 'customer_id', 'C-100877')(lines)))),
  },
  { rule: 'P01', severity: 'warning', what: 'a gas meter that switches to KWH', edit: setField(6, 'meter_unit', 'KWH') },
  { rule: 'P02', severity: 'warning', what: 'one usage value 100 times the others', edit: (lines) => manyServicePoints(lines, 150) },
  {
    rule: 'P03',
    severity: 'warning',
    what: 'most reads estimated',
    edit: (lines) => [1, 2, 7, 8].reduce((acc, line) => setField(line, 'is_estimate', 'E')(acc), lines),
  },
]

/**
 * The good file's header and `count` one-read service points at their own premises (cloned from line
 * 7), the last one with a usage value far above the rest.
 */
function manyServicePoints(lines: string[], count: number): string[] {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = String(8000 + i)
    let row = [lines[7] as string]
    for (const [column, value] of [
      ['customer_id', `C-${id}`],
      ['premise_id', `P-${id}`],
      ['account_id', `A-${id}`],
      ['service_point_id', `SP-${id}`],
      ['usage_value', i === count - 1 ? '99999' : String(300 + i)],
    ] as const) {
      row = setField(0, column, value)(row)
    }
    return row[0] as string
  })
  return [lines[0] as string, ...rows]
}

/** The good full file in twice mode, as lines. */
function twiceLines(_lines: string[]): string[] {
  return goodLines('full', 'twice')
}

async function run(rule: RuleCase, extra: Partial<ValidationOptions> = {}): Promise<ValidationReport> {
  return withTempDir(async (dir) => {
    const name = rule.name ?? FULL_NAME
    const good = textOf(rule.edit ? rule.edit(goodLines('full')) : goodLines('full'))
    const path = rule.write ? await rule.write(dir, name, good) : await writeGz(dir, name, good)
    return validateFile(path, defaultValidationOptions({ ...BASE_OPTIONS, ...rule.options, ...extra }))
  })
}

const idsOf = (report: ValidationReport, severity: 'error' | 'warning'): string[] =>
  [...new Set(report.findings.filter((f) => f.severity === severity).map((f) => f.rule))].sort()

describe('each rule, on a file that breaks only that rule', () => {
  for (const rule of CASES) {
    it(`${rule.rule}: ${rule.what}`, async () => {
      const report = await run(rule)
      if (rule.severity === 'warning') {
        assert.deepEqual(idsOf(report, 'error'), [])
        assert.deepEqual(idsOf(report, 'warning'), [rule.rule])
        assert.equal(report.ok, true)
      } else {
        assert.deepEqual(idsOf(report, 'error'), [rule.rule])
        assert.deepEqual(idsOf(report, 'warning'), [])
        assert.equal(report.ok, false)
      }
      const [finding] = report.findings
      assert.ok(finding !== undefined && finding.examples.length > 0 && finding.examples[0]?.message)
    })
  }

  it('reports the same with every per-entity map on disk from its first entry (what a file of millions of accounts gets)', async () => {
    for (const rule of CASES) {
      const inMemory = await run(rule)
      const onDisk = await run(rule, { entityMapLimit: 0 })
      assert.deepEqual(onDisk.findings, inMemory.findings, `${rule.rule}: ${rule.what}`)
    }
  })

  it('has a case for every implemented check', () => {
    const covered = new Set(CASES.map((rule) => rule.rule))
    assert.deepEqual(
      DEFAULT_CHECKS.map((check) => check.id).filter((id) => !covered.has(id)),
      [],
    )
  })
})

describe('lone CR', () => {
  it('is both a CR inside a field (V21) and a stray terminator (V22)', async () => {
    const report = await run({
      rule: 'V21',
      what: 'CR in a street name',
      edit: (lines) => ((lines[3] = (lines[3] as string).replace('PO Box', 'PO\rBox')), lines),
    })
    assert.deepEqual(idsOf(report, 'error'), ['V21', 'V22'])
    const v21 = report.findings.find((f) => f.rule === 'V21')
    assert.deepEqual(v21?.examples, [
      { line: 4, servicePointId: 'SP-7001', column: 'mail_address_line_1', message: 'the value contains a CR character at position 3' },
    ])
    assert.deepEqual(report.findings.find((f) => f.rule === 'V22')?.examples, [
      { line: 4, message: 'the line holds a CR that is not followed by LF' },
    ])
  })
})

describe('an incremental file', () => {
  it("is not held to V43: it carries changed reads, not each account's earliest one", async () => {
    const edit = setFieldOnServicePoint(7, 'active_date', '20211015')
    const report = await run({ rule: 'V43', what: 'active_date weeks before the first read', edit, options: { phase: 'incremental' } })
    assert.deepEqual(idsOf(report, 'warning'), [])
    assert.match(report.notEvaluated.find((entry) => entry.rule === 'V43')?.reason ?? '', /incremental/)
  })
})

describe('V43 and the history start', () => {
  const edit = setFieldOnServicePoint(7, 'active_date', '20211015')
  it('leaves out an account active before the history starts: its earliest reads are not in the file', async () => {
    const report = await run({ rule: 'V43', what: 'active before the history start', edit, options: { historyStart: '20211101' } })
    assert.deepEqual(idsOf(report, 'warning'), [])
  })
  it('judges an account that became active within the history', async () => {
    const report = await run({ rule: 'V43', what: 'active within the history, weeks before its first read', edit, options: { historyStart: '20211001' } })
    assert.deepEqual(idsOf(report, 'warning'), ['V43'])
  })
})
