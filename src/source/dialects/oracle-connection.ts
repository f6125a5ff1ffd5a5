import type { Knex } from 'knex'
import { createRequire } from 'node:module'
import type oracledb from 'oracledb'
import { ToolkitError } from '../../errors/toolkit-error.js'
import type { ConnectionValues } from '../source-dialect.js'
import { connectionNumber, connectionText } from './connection-values.js'
import { oracleDriver } from './database-drivers.js'

/** Per new connection: comparisons and TO_CHAR of zone-aware values must not follow the host's zone. */
const SESSION_SETTINGS = [`ALTER SESSION SET TIME_ZONE = '+00:00'`, `ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'`]

/** What `oracledb.getConnection` receives beyond what knex passes itself (user, password, connectString). */
export interface OracleConnectAttributes {
  readonly configDir?: string
  readonly walletLocation?: string
  readonly walletPassword?: string
}

/** How the driver is set up for a mapping: thin (pure JavaScript, the default) or thick (Oracle Client libraries). */
export interface OracleDriverSetup {
  readonly mode: 'thin' | 'thick'
  readonly attributes: OracleConnectAttributes
  /** thick only: the arguments of `oracledb.initOracleClient`. */
  readonly clientLibraries?: oracledb.InitialiseOptions
  /** Per round trip, milliseconds (0 = none): a stalled fetch fails instead of waiting forever. */
  readonly callTimeoutMs: number
}

/**
 * Reads the Oracle keys of `source.connection`. `connect_string` is an Easy Connect string
 * (`host:port/service?connect_timeout=15&expire_time=2`), a full descriptor (`(DESCRIPTION=…(SID=…))`,
 * for databases reached by SID) or a TNS alias looked up in `config_dir/tnsnames.ora`.
 */
export function oracleDriverSetup(connection: ConnectionValues): OracleDriverSetup {
  const configDir = connectionText(connection, 'config_dir')
  const walletLocation = connectionText(connection, 'wallet_location')
  const walletPassword = connectionText(connection, 'wallet_password')
  const callTimeoutMs = (connectionNumber(connection, 'call_timeout') ?? 0) * 1000
  if (connection.thick === true) {
    const libDir = connectionText(connection, 'lib_dir')
    // In thick mode the client libraries read tnsnames.ora and wallets themselves, from configDir.
    return { mode: 'thick', attributes: {}, clientLibraries: { ...(libDir ? { libDir } : {}), ...(configDir ? { configDir } : {}) }, callTimeoutMs }
  }
  const attributes = { ...(configDir ? { configDir } : {}), ...(walletLocation ? { walletLocation } : {}), ...(walletPassword ? { walletPassword } : {}) }
  return { mode: 'thin', attributes, callTimeoutMs }
}

/**
 * knex configuration for Oracle. knex hands `getConnection` only user, password and connect string, so
 * a client subclass adds `configDir` and the wallet; thick mode starts before the first connection, as
 * the driver requires. Identifiers knex quotes are upper-cased (Oracle's own case for unquoted names).
 */
export function oracleKnexConfig(connection: ConnectionValues): Knex.Config {
  const connectString = connectionText(connection, 'connect_string')
  if (!connectString) {
    throw new ToolkitError('MAPPING_INVALID', 'source.connection.connect_string is required for an oracle source', {
      hint: 'write an Easy Connect string (dbhost:1521/BILLING), a (DESCRIPTION=…) descriptor, or a TNS alias with config_dir',
    })
  }
  const setup = oracleDriverSetup(connection)
  // Here, not in the knex client: the driver demands it before the first connection, and knex would
  // replace the error with advice to npm-install oracledb.
  if (setup.mode === 'thick') startThickMode(setup.clientLibraries ?? {})
  return {
    client: oracleClientClass(setup),
    connection: { user: connectionText(connection, 'user'), password: connectionText(connection, 'password'), connectString },
    pool: {
      min: 0,
      max: 4,
      afterCreate: (conn: oracledb.Connection, done: (error: Error | null, conn: oracledb.Connection) => void) => {
        conn.callTimeout = setup.callTimeoutMs
        runAll(conn, SESSION_SETTINGS).then(
          () => done(null, conn),
          (error: Error) => done(error, conn),
        )
      },
    },
    acquireConnectionTimeout: 60_000,
    wrapIdentifier: (value, original) => original(value.toUpperCase()),
  }
}

async function runAll(conn: oracledb.Connection, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await conn.execute(statement)
}

type KnexClientClass = typeof Knex.Client
const requireFromHere = createRequire(import.meta.url)

function oracleClientClass(setup: OracleDriverSetup): KnexClientClass {
  const KnexOracledb = requireFromHere('knex/lib/dialects/oracledb/index.js') as KnexClientClass
  return class OracleClient extends KnexOracledb {
    _driver(): unknown {
      const driver = (KnexOracledb.prototype as unknown as { _driver(this: unknown): typeof oracledb })._driver.call(this)
      return withConnectAttributes(driver, setup.attributes)
    }
  } as unknown as KnexClientClass
}

/** The driver as knex sees it, with `getConnection` given the attributes knex leaves out. */
function withConnectAttributes(driver: typeof oracledb, attributes: OracleConnectAttributes): typeof oracledb {
  if (Object.keys(attributes).length === 0) return driver
  const getConnection = (config: oracledb.ConnectionAttributes, callback: (error: Error, conn: oracledb.Connection) => void) =>
    (driver.getConnection as (config: oracledb.ConnectionAttributes, callback: unknown) => void)({ ...config, ...attributes }, callback)
  return new Proxy(driver, { get: (target, key) => (key === 'getConnection' ? getConnection : Reflect.get(target, key, target)) })
}

let thickStarted = false

function startThickMode(options: oracledb.InitialiseOptions): void {
  if (thickStarted) return
  try {
    oracleDriver().initOracleClient(options)
    thickStarted = true
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new ToolkitError('SOURCE_CONNECT_FAILED', `source.connection.thick: cannot start Oracle thick mode${options.libDir ? ` from lib_dir ${options.libDir}` : ''}: ${message}`, {
      cause,
      hint: 'install Oracle Instant Client 19 or later and point source.connection.lib_dir at its folder, or leave thick out to use thin mode',
    })
  }
}
