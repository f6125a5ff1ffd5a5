import type { Request, TYPES } from 'tedious'
import { toSourceText } from '../source-value.js'
import { tediousDriver } from './database-drivers.js'

type TediousType = (typeof TYPES)[keyof typeof TYPES]

/** A value as tedious hands it over in a `row` event, with the column's metadata. */
export interface TediousColumnValue {
  readonly value: unknown
  readonly metadata: { readonly type: { readonly name: string } }
}

/**
 * The SQL Server type a binding is sent as. ASCII text goes as VARCHAR so an index on a VARCHAR column
 * stays usable (an NVARCHAR parameter converts the column instead); other text as NVARCHAR. A
 * non-integer number goes as its text, converted by the server to the column's own type (a FLOAT
 * parameter would round). Dates are never bound: they are text converted in SQL.
 */
export function mssqlParameterType(value: unknown): TediousType {
  const { TYPES } = tediousDriver()
  if (value === null || value === undefined) return TYPES.NVarChar
  if (typeof value === 'string') return /^[\x20-\x7e]*$/.test(value) ? TYPES.VarChar : TYPES.NVarChar
  if (typeof value === 'bigint') return TYPES.BigInt
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return TYPES.VarChar
    return Math.abs(value) <= 2147483647 ? TYPES.Int : TYPES.BigInt
  }
  if (typeof value === 'boolean') return TYPES.Bit
  if (Buffer.isBuffer(value)) return TYPES.VarBinary
  throw new Error(`cannot bind a ${value instanceof Date ? 'JS Date' : typeof value} to a SQL Server query: bind YYYY-MM-DD text and CONVERT it in SQL`)
}

/** Adds `@p0 … @pN` to a tedious request, each with its type. */
export function addParameters(request: Request, bindings: readonly unknown[]): void {
  const { TYPES } = tediousDriver()
  bindings.forEach((value, index) => {
    const type = mssqlParameterType(value)
    const sent = typeof value === 'number' && type === TYPES.VarChar ? toSourceText(value) : typeof value === 'bigint' ? value.toString() : value
    request.addParameter(`p${index}`, type, sent ?? null)
  })
}

/**
 * The text of one value tedious produced. With `useUTC: true` (the default) tedious puts the stored
 * wall clock of DATE, DATETIME, DATETIME2 and SMALLDATETIME into a Date's UTC fields, so they are read
 * back from there, never through the host's zone. BIGINT arrives as a string already; DECIMAL, NUMERIC
 * and MONEY arrive as JS numbers (rounded beyond 15 digits), which is why the dialect formats numbers
 * in SQL. DATETIMEOFFSET is an instant, written in UTC.
 */
export function mssqlValueText(column: TediousColumnValue): string | null {
  const { value } = column
  if (!(value instanceof Date)) return toSourceText(value)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const date = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`
  if (column.metadata.type.name === 'Date') return date
  const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}.${pad(value.getUTCMilliseconds(), 3)}`
  return column.metadata.type.name === 'DateTimeOffset' ? `${date}T${time}Z` : `${date} ${time}`
}
