import { createRequire } from 'node:module'
import type oracledb from 'oracledb'
import type pg from 'pg'
import type * as pgCopyStreamsModule from 'pg-copy-streams'
import type * as tedious from 'tedious'

/**
 * The database drivers, each loaded the first time a dialect needs it. Loading one costs 15–30 MB of
 * memory and part of a second: a run loads only the driver of its mapping's dialect, and commands that
 * never connect (`--help`, `status`, `search`) load none. Synchronous, so the dialects' synchronous code
 * (knex configuration, fetch type handlers, parameter types) stays as it is; every driver here is a
 * CommonJS package, the same module instance knex itself requires by client name.
 */
const requireDriver = createRequire(import.meta.url)

export function oracleDriver(): typeof oracledb {
  return requireDriver('oracledb') as typeof oracledb
}

export function tediousDriver(): typeof tedious {
  return requireDriver('tedious') as typeof tedious
}

export function pgDriver(): typeof pg {
  return requireDriver('pg') as typeof pg
}

export function pgCopyStreams(): typeof pgCopyStreamsModule {
  return requireDriver('pg-copy-streams') as typeof pgCopyStreamsModule
}
