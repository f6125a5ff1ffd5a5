// Builds realistic Legacy Billing files for the validator's tests: a small utility with a move-out /
// move-in on one service point, a dual-fuel premise, an apartment unit and a closed account.
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip, gzipSync } from 'node:zlib'
import { ZipFile } from 'yazl'
import { specColumnsOf, type FileType, type ServicePointIdMode } from '../../src/spec/file-layout.js'

export const FULL_NAME = 'opwr_gec_res_v1-19-0_full_20220411093000.gz'
export const CUSTOMER_NAME = 'opwr_gec_res_v1-19-0_customer_20220411093000.gz'
export const USAGE_NAME = 'opwr_gec_res_v1-19-0_usage_20220411093001.gz'

interface Account {
  readonly customer_id: string
  readonly premise_id: string
  readonly secondary_id: string
  readonly mail_address_line_1: string
  readonly account_id: string
  readonly active_date: string
  readonly inactive_date: string
  readonly read_cycle: string
  readonly service_point_id: string
  readonly service_house_number: string
  readonly service_street_name: string
  readonly service_unit: string
  readonly service_city: string
  readonly service_state: string
  readonly service_zip_code: string
  readonly meter_type: string
  readonly meter_unit: string
}

type Read = readonly [usage: string, dateTo: string, duration: string, estimate: string, charge: string]

const base = { secondary_id: '', read_cycle: '07', service_unit: '', meter_unit: 'KWH', meter_type: 'ELECTRIC' }

/** Accounts with their reads, in file order (service point, then date_to). */
const HISTORY: readonly { readonly account: Account; readonly reads: readonly Read[] }[] = [
  {
    account: {
      ...base,
      customer_id: 'C-100231',
      premise_id: 'P-5001',
      mail_address_line_1: '123 W 24th St NE',
      account_id: 'A-900011',
      active_date: '20211201',
      inactive_date: '20220131',
      service_point_id: 'SP-7001',
      service_house_number: '123',
      service_street_name: 'W 24th St NE',
      service_city: 'Richmond',
      service_state: 'VA',
      service_zip_code: '23220',
    },
    reads: [
      ['612.5', '20211231', '30', 'A', '81.23'],
      ['655', '20220131', '31', 'A', '86.90'],
    ],
  },
  {
    account: {
      ...base,
      customer_id: 'C-100877',
      premise_id: 'P-5001',
      secondary_id: 'LEGACY-88',
      mail_address_line_1: 'PO Box 77',
      account_id: 'A-900342',
      active_date: '20220131',
      inactive_date: '',
      service_point_id: 'SP-7001',
      service_house_number: '123',
      service_street_name: 'W 24th St NE',
      service_city: 'Richmond',
      service_state: 'VA',
      service_zip_code: '23220',
    },
    reads: [
      ['598.25', '20220302', '30', 'E', '79.10'],
      ['540', '20220401', '30', 'A', '71.44'],
    ],
  },
  {
    account: {
      ...base,
      customer_id: 'C-100877',
      premise_id: 'P-5001',
      secondary_id: 'LEGACY-88',
      mail_address_line_1: 'PO Box 77',
      account_id: 'A-900343',
      active_date: '20220131',
      inactive_date: '',
      service_point_id: 'SP-7002',
      service_house_number: '123',
      service_street_name: 'W 24th St NE',
      service_city: 'Richmond',
      service_state: 'VA',
      service_zip_code: '23220',
      meter_type: 'GAS',
      meter_unit: 'THERM',
    },
    reads: [
      ['48', '20220302', '30', 'A', '52.00'],
      ['39.5', '20220401', '30', 'U', '44.18'],
    ],
  },
  {
    account: {
      ...base,
      customer_id: 'C-204410',
      premise_id: 'P-5120',
      mail_address_line_1: '4410 Grove Ave Apt 3B',
      account_id: 'A-900512',
      active_date: '20211101',
      inactive_date: '',
      read_cycle: '12B',
      service_point_id: 'SP-7105',
      service_house_number: '4410',
      service_street_name: 'Grove Ave',
      service_unit: 'Apt 3B',
      service_city: 'Richmond',
      service_state: 'VA',
      service_zip_code: '23221-1234',
    },
    reads: [
      ['301', '20211201', '30', 'A', '40.12'],
      ['412.75', '20220101', '31', 'A', '55.01'],
      ['0', '20220201', '31', 'E', '0'],
      ['388', '20220303', '30', 'A', '51.70'],
    ],
  },
]

/** The header of a file type, as the spec pack builds it. */
export function headerNames(fileType: FileType, mode: ServicePointIdMode = 'once'): string[] {
  return specColumnsOf(fileType, mode).map((column) => column.name)
}

function valuesOf(names: readonly string[], account: Account, read: Read | undefined): string[] {
  const usage: Record<string, string> = read
    ? { usage_value: read[0], date_to: read[1], duration: read[2], is_estimate: read[3], usage_charge: read[4] }
    : {}
  const all: Record<string, string> = { ...account, ...usage }
  return names.map((name) => all[name] ?? '')
}

/** The lines (header first, no terminators) of a good file. */
export function goodLines(fileType: FileType, mode: ServicePointIdMode = 'once'): string[] {
  const names = headerNames(fileType, mode)
  const lines = [names.join('\t')]
  for (const { account, reads } of HISTORY) {
    if (fileType === 'customer') lines.push(valuesOf(names, account, undefined).join('\t'))
    else for (const read of reads) lines.push(valuesOf(names, account, read).join('\t'))
  }
  return lines
}

/** LF-terminated text of lines. */
export function textOf(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('')
}

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'opx-'))
  try {
    return await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export async function writeGz(dir: string, name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, gzipSync(content))
  return path
}

export async function writePlain(dir: string, name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

/** A zip with the given entries in order; a name ending in `/` becomes a directory entry. */
export async function writeZip(dir: string, name: string, entries: readonly (readonly [string, string | Buffer])[]): Promise<string> {
  const zip = new ZipFile()
  for (const [entryName, content] of entries) {
    if (entryName.endsWith('/')) zip.addEmptyDirectory(entryName)
    else zip.addBuffer(Buffer.from(content), entryName)
  }
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  const path = join(dir, name)
  await writeFile(path, Buffer.concat(chunks))
  return path
}

/**
 * Streams a large good `full` file ('once' mode) to gzip: `servicePoints` service points with
 * `readsPerPoint` monthly reads each, built a batch at a time so the test process never holds the file.
 */
export async function writeGeneratedGz(dir: string, name: string, servicePoints: number, readsPerPoint: number): Promise<string> {
  const names = headerNames('full')
  const dates: string[] = []
  for (let i = 0; i < readsPerPoint; i++) {
    dates.push(new Date(Date.UTC(2020, 0, 31) + i * 30 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', ''))
  }
  async function* lines(): AsyncIterable<string> {
    yield `${names.join('\t')}\n`
    let batch = ''
    for (let sp = 0; sp < servicePoints; sp++) {
      const id = String(100000 + sp)
      const account: Account = {
        ...base,
        customer_id: `C-${id}`,
        premise_id: `P-${id}`,
        mail_address_line_1: `${sp % 9000} Main St`,
        account_id: `A-${id}`,
        active_date: '20200101',
        inactive_date: '',
        service_point_id: `SP-${id}`,
        service_house_number: String(sp),
        service_street_name: 'Main St',
        service_city: 'Richmond',
        service_state: 'VA',
        service_zip_code: '23220',
      }
      for (let r = 0; r < readsPerPoint; r++) {
        const read: Read = [String(300 + ((sp * 7 + r * 13) % 500)), dates[r] as string, '30', 'A', '42.10']
        batch += `${valuesOf(names, account, read).join('\t')}\n`
      }
      if (batch.length > 64 * 1024) {
        yield batch
        batch = ''
      }
    }
    if (batch.length > 0) yield batch
  }
  const path = join(dir, name)
  await pipeline(Readable.from(lines()), createGzip({ level: 1 }), createWriteStream(path))
  return path
}
