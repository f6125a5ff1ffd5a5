import type { Mapping } from '../config/mapping.js'
import { emptyCounts } from '../extract/extract-counts.js'
import { mapReads } from '../extract/map-reads.js'
import { outputColumns } from '../extract/output-row.js'
import { buildReadQuery, type ReadFilter } from '../extract/read-query.js'
import { compareReadRecords, toReadRecord } from '../extract/read-record.js'
import { eachRow, inBatches } from '../platform/row-batches.js'
import type { Source } from '../source/create-source.js'
import { finding, type Finding } from './check-finding.js'

export interface RowPreview {
  /** One block per previewed read: its mapped columns, or why it would be rejected or left out. */
  readonly lines: string[]
  readonly findings: Finding[]
}

/**
 * Maps the first `count` reads the read query returns, exactly as an extract would (usage added up, value
 * maps, formats, fan-out check), and shows them column by column. The first reads' keys are taken from
 * the stream, then all rows of those reads are fetched, so each preview row is complete.
 */
export async function previewRows(mapping: Mapping, source: Source, filter: ReadFilter, count: number, asOf: string): Promise<RowPreview> {
  const query = buildReadQuery(mapping, source.dialect, filter)
  const keys = new Set<string>()
  for await (const row of source.stream(query.sql, query.bindings)) {
    const key = row[query.fields.readKey]
    if (key !== null && key !== undefined) keys.add(key)
    if (keys.size >= count) break
  }
  if (keys.size === 0) {
    return { lines: ['(no reads in the window)'], findings: [finding('warning', 'preview', `no reads with date_to in the check window`, 'check reads.date_to, where and the joins, or give --end-date')] }
  }
  const placeholders = [...keys].map(() => '?').join(', ')
  const rows = await source.query(`SELECT * FROM (${query.sql}) q WHERE q.f${query.fields.readKey} IN (${placeholders})`, [...query.bindings, ...keys])
  const records = rows.map((row) => toReadRecord(row, query.fields, mapping)).sort(compareReadRecords)
  const counts = emptyCounts()
  const fanOuts: string[] = []
  const columns = outputColumns(mapping)
  const lines: string[] = []
  const problems: string[] = []
  const width = Math.max(...columns.map((name) => name.length))
  for await (const item of eachRow(mapReads(inBatches(records), { mapping, fields: query.fields, columns, asOf, counts, onFanOut: (key, what) => fanOuts.push(`read ${key}: ${what}`) }))) {
    if (item.kind === 'row') {
      lines.push(`read ${item.row.readKey}:`, ...columns.map((name, i) => `  ${name.padEnd(width)}  ${item.row.values[i]}`))
    } else if (item.kind === 'rejected') {
      const text = `read ${item.rejected.readKey}: rejected (${item.rejected.column}: ${item.rejected.reason})`
      lines.push(text)
      problems.push(text)
    } else {
      lines.push('a read left out on purpose (net_metering: exclude, or opened after the end date)')
    }
  }
  const findings: Finding[] = []
  if (fanOuts.length) {
    findings.push(finding('error', 'preview', `rows of one read disagree, a join fans out: ${fanOuts.join('; ')}`, 'a join matches several rows per read; tighten its ON condition (effective dates, main-customer flag)'))
  }
  if (problems.length) findings.push(finding('warning', 'preview', `${problems.length} of ${counts.reads} previewed reads would be rejected: ${problems.join('; ')}`))
  if (findings.length === 0) findings.push(finding('ok', 'preview', `${counts.reads} read${counts.reads === 1 ? "" : "s"} mapped without a problem`))
  return { lines, findings }
}
