import type { Mapping } from '../config/mapping.js'
import type { SourceRow } from '../source/source-dialect.js'
import { spillNullableStringArrayCodec } from '../writer/spill-string-array-codec.js'
import { dayNumber, isCalendarDate } from './calendar-date.js'
import type { ReadQueryFields } from './read-query.js'

/**
 * One source row made sortable: the sort keys first, then the row's fields. An array of text so it spills
 * to disk cheaply. Keys: service point, date_to (yyyymmdd), duration (zero-padded), version (sortable
 * text), read key, detail key.
 */
export type ReadRecord = [sp: string, dateTo: string, duration: string, version: string, readKey: string, detail: string, ...fields: (string | null)[]]

export const FIELDS_START = 6

/**
 * How the sort writes read records to its run files: the tab-separated string codec, which keeps NULL
 * apart from empty text. It is several times cheaper than JSON, the sort's default, which dominated the
 * profile of large extracts (JSON.parse when merging).
 */
export const readRecordSpillCodec: { readonly serialize: (record: ReadRecord) => string; readonly deserialize: (line: string) => ReadRecord } = {
  serialize: spillNullableStringArrayCodec.serialize,
  // A line holds what `serialize` wrote: the six keys are text, the fields text or NULL.
  deserialize: spillNullableStringArrayCodec.deserialize as (line: string) => ReadRecord,
}

/** Builds the sortable record of one source row. Values that cannot be keyed stay empty and are rejected later. */
export function toReadRecord(row: SourceRow, fields: ReadQueryFields, mapping: Mapping): ReadRecord {
  const spField = fields.columns.get('service_point_id')
  const sp = (spField === undefined ? '' : (row[spField] ?? '')).trim()
  const dateTo = row[fields.dateTo] ?? ''
  const record = new Array<string | null>(FIELDS_START + row.length) as ReadRecord
  record[0] = sp
  record[1] = dateTo
  record[2] = paddedDuration(row, fields, mapping, dateTo)
  record[3] = sortableVersion(row, fields, mapping)
  record[4] = row[fields.readKey] ?? ''
  record[5] = fields.detailKey === undefined ? '' : (row[fields.detailKey] ?? '')
  // A loop, not a spread into a literal: this runs once per source row.
  for (let i = 0; i < row.length; i++) record[FIELDS_START + i] = row[i] as string | null
  return record
}

function paddedDuration(row: SourceRow, fields: ReadQueryFields, mapping: Mapping, dateTo: string): string {
  let days: number
  if (fields.duration !== undefined) {
    days = Number(row[fields.duration])
  } else {
    const start = fields.startDate === undefined ? null : row[fields.startDate]
    if (!start || !isCalendarDate(start) || !isCalendarDate(dateTo)) return ''
    days = dayNumber(dateTo) - dayNumber(start) + (mapping.reads.startConvention === 'first_day' ? 1 : 0)
  }
  return Number.isInteger(days) && days > 0 && days < 1_000_000 ? String(days).padStart(6, '0') : ''
}

function sortableVersion(row: SourceRow, fields: ReadQueryFields, mapping: Mapping): string {
  if (fields.version === undefined) return ''
  const value = row[fields.version] ?? ''
  if (mapping.reads.versionType === 'timestamp') return value
  // Non-negative integers compare as text once padded; anything else keeps its text (and sorts after).
  return /^\d{1,20}$/.test(value) ? value.padStart(20, '0') : `~${value}`
}

/** Spec order: service point, then read date, then duration, then version (a correction after its original). */
export function compareReadRecords(a: ReadRecord, b: ReadRecord): number {
  for (let i = 0; i < FIELDS_START; i++) {
    const x = a[i] as string
    const y = b[i] as string
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}
