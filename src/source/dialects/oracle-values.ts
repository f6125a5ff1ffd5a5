import type oracledb from 'oracledb'
import { oracleDriver } from './database-drivers.js'

/**
 * The fetch type handler of every Oracle query. NUMBER is fetched as the driver's exact decimal text
 * (thin mode decodes it to text first and only then calls parseFloat, which this skips), written with a
 * leading zero (`.5` → `0.5`). A DATE or TIMESTAMP that reaches a row unformatted (the mapping should
 * format dates in SQL) comes as the wall clock the database holds: thin mode builds the JS Date from
 * the stored fields in the process time zone, so reading the same fields back undoes it. CLOBs come as
 * text.
 */
export function oracleFetchType(metadata: oracledb.Metadata<unknown>): oracledb.FetchTypeResponse | undefined {
  const driver = oracleDriver()
  switch (metadata.dbType) {
    case driver.DB_TYPE_NUMBER:
      return { type: driver.DB_TYPE_VARCHAR, converter: withLeadingZero }
    case driver.DB_TYPE_DATE:
    case driver.DB_TYPE_TIMESTAMP:
      return { converter: wallClockText }
    case driver.DB_TYPE_CLOB:
    case driver.DB_TYPE_NCLOB:
      return { type: driver.STRING }
    default:
      return undefined
  }
}

function withLeadingZero(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/^(-?)\./, '$10.') : value
}

function wallClockText(value: unknown): unknown {
  if (!(value instanceof Date)) return value
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return (
    `${pad(value.getFullYear(), 4)}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ` +
    `${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}.${pad(value.getMilliseconds(), 3)}`
  )
}
