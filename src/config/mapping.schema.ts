import { z } from 'zod'
import { deliverySchema } from './delivery.schema.js'

/**
 * The mapping file as written by a mapping author (YAML, snake_case keys). Every key carries a description
 * (shown by editors through the generated JSON Schema) and, where it has one, its default. Defaults are
 * applied later by `normalizeMapping`, only to keys the author left out.
 */
const sql = (description: string) => z.string().min(1).meta({ description })

const dateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD')
  .refine((value) => !/^\d{4}-\d{2}-\d{2}$/.test(value) || isCalendarDate(value), {
    message: 'expected a date of the calendar (month 01–12, a day the month has)',
  })
  .meta({ description: 'A calendar date, YYYY-MM-DD.' })

/** `2026-13-01` makes an Invalid Date (toISOString throws on it); `2026-02-30` rolls over into March. */
function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

/** A value that may be a secret reference: `${env:NAME}` or `${file:PATH}` (Windows paths too). */
const secretable = z
  .union([z.string(), z.number()])
  .meta({ description: 'A value, or a reference ${env:NAME} / ${file:PATH} resolved when connecting.' })

export const DIALECT_NAMES = ['sqlite', 'postgres', 'mysql', 'oracle', 'mssql'] as const

const connectionSchema = z
  .strictObject({
    filename: z.string().optional().meta({ description: 'sqlite: database file, relative to the mapping file.' }),
    host: secretable.optional().meta({ description: 'Database host name.' }),
    port: secretable.optional().meta({ description: 'Database port.' }),
    user: secretable.optional().meta({ description: 'Database user (read-only rights are enough).' }),
    password: secretable.optional().meta({ description: 'Password: always a ${env:…} or ${file:…} reference.' }),
    database: secretable.optional().meta({ description: 'Database (postgres, mysql, mssql) name.' }),
    connect_string: secretable
      .optional()
      .meta({ description: 'oracle: Easy Connect string (host:port/service) or TNS alias.' }),
    thick: z.boolean().optional().meta({ description: 'oracle: use thick mode (Oracle Client libraries).' }),
    encrypt: z.boolean().optional().meta({ description: 'mssql: encrypt the connection (default true).' }),
    trust_server_certificate: z
      .boolean()
      .optional()
      .meta({ description: 'mssql, postgres, mysql: accept a server certificate that cannot be verified, e.g. self-signed (default false).' }),
    domain: secretable.optional().meta({ description: 'mssql: Windows domain for NTLM authentication.' }),
    config_dir: z
      .string()
      .optional()
      .meta({ description: 'oracle: folder holding tnsnames.ora (for a TNS alias in connect_string) and sqlnet files, relative to the mapping file.' }),
    wallet_location: z
      .string()
      .optional()
      .meta({ description: 'oracle thin mode: folder of the ewallet.pem wallet for TLS (mTLS) connections, relative to the mapping file.' }),
    wallet_password: secretable.optional().meta({ description: 'oracle thin mode: password of the wallet; a ${env:…} or ${file:…} reference.' }),
    lib_dir: z
      .string()
      .optional()
      .meta({ description: 'oracle thick mode: folder of the Oracle Instant Client libraries (default: the system library path).' }),
    call_timeout: z
      .number()
      .min(0)
      .optional()
      .meta({ description: 'oracle: seconds one round trip to the database may take before it fails (default 0 = no limit).' }),
    instance_name: secretable.optional().meta({ description: 'mssql: named instance (e.g. BILLING), found through the SQL Browser instead of a port.' }),
    request_timeout: z
      .number()
      .min(0)
      .optional()
      .meta({ description: 'mssql: seconds a query may take to send its first row (default 0 = no limit; the driver default of 15 s breaks big extracts).' }),
    read_only_intent: z
      .boolean()
      .optional()
      .meta({ description: 'mssql: connect with ApplicationIntent=ReadOnly (an Always On readable secondary).' }),
    isolation: z
      .enum(['snapshot', 'read_committed'])
      .optional()
      .meta({ description: 'mssql: snapshot (default; the database must allow SNAPSHOT isolation or READ_COMMITTED_SNAPSHOT) or read_committed (locking reads, no consistent view).' }),
    schema: secretable.optional().meta({ description: 'postgres: schema searched for unqualified table names (search_path), e.g. cisadm.' }),
    ssl: z.boolean().optional().meta({ description: 'postgres, mysql: connect with TLS, verifying the server certificate (default false).' }),
    ssl_ca: z.string().optional().meta({ description: 'postgres, mysql: CA certificate file (PEM) the server certificate is checked against, relative to the mapping file.' }),
  })
  .meta({ description: 'How to reach the billing database. Secrets only as references.' })

const tableSchema = z.strictObject({
  table: sql('Table (or view) name, as the database knows it.'),
  as: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a plain SQL alias (letters, digits, _)')
    .meta({ description: 'Alias used in expressions.' }),
})

const joinSchema = tableSchema.extend({
  type: z.enum(['inner', 'left']).optional().meta({ description: 'Join type (default inner).' }),
  on: sql('Join condition, in SQL over the aliases declared before it.'),
})

export const COLUMN_FORMATS = ['text', 'date', 'decimal', 'integer'] as const

const columnSchema = z
  .strictObject({
    sql: sql('SQL expression over the declared tables giving the value.').optional(),
    constant: z.string().optional().meta({ description: 'A fixed value for every row (never put into SQL).' }),
    empty: z.literal(true).optional().meta({ description: 'The column is left empty on purpose.' }),
    format: z
      .enum(COLUMN_FORMATS)
      .optional()
      .meta({ description: 'text (default), date (written yyyymmdd, converted in SQL), decimal, integer.' }),
    decimals: z
      .number()
      .int()
      .min(0)
      .max(6)
      .optional()
      .meta({ description: 'decimal: digits after the point (rounded half up, written fixed).' }),
    map: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Value map from source values to spec values, e.g. { Y: E, N: A }.' }),
    unmapped: z
      .enum(['reject', 'keep', 'default'])
      .optional()
      .meta({ description: 'A source value missing from map: reject the row (default), keep it, or use default.' }),
    default: z.string().optional().meta({ description: 'Value used when the source value is NULL or empty.' }),
    trim: z.boolean().optional().meta({ description: 'Trim leading and trailing spaces (default true).' }),
    case: z.enum(['upper', 'lower']).optional().meta({ description: 'Change the letter case.' }),
  })
  .meta({ description: 'How one spec column gets its value: exactly one of sql, constant, empty.' })

const fuelSchema = z.strictObject({
  match: z
    .array(z.string())
    .min(1)
    .meta({ description: 'Values of usage.fuel that belong to this fuel (e.g. service point types).' }),
  unit: z.string().min(1).meta({ description: 'The unit usage_value is written in for this fuel (e.g. kWh, therm).' }),
  units: z
    .record(z.string(), z.union([z.number(), z.string()]))
    .meta({ description: 'Source unit codes accepted for this fuel, each with its factor to `unit` (CCF: 1.037).' }),
  ignore: z
    .array(z.string())
    .optional()
    .meta({ description: 'Source unit codes that are not usage (demand KW, …) and are left out.' }),
})

const readsSchema = z.strictObject({
  key: sql('The source key of one read (e.g. the bill segment id).'),
  date_to: sql('The read date (end of the period), a DATE or TIMESTAMP expression.'),
  start_date: sql('Start of the period (DATE expression); give this or duration.').optional(),
  duration: sql('Days of the period (integer expression); give this or start_date.').optional(),
  start_convention: z
    .enum(['previous_read', 'first_day'])
    .optional()
    .meta({
      description:
        'previous_read (default): start_date equals the previous read date, duration = date_to - start_date; first_day: start_date is the first day of service, duration = date_to - start_date + 1.',
    }),
  version: sql('Orders versions of one period: a later value is a correction (e.g. a last-update timestamp).')
    .optional(),
  version_type: z
    .enum(['timestamp', 'number'])
    .optional()
    .meta({ description: 'How versions compare: timestamp (default) or number.' }),
})

const usageSchema = z.strictObject({
  quantity: sql('The quantity of one service-quantity row; the rows of one read are added up.'),
  unit: sql('The unit code of that row (KWH, THERM, CCF, KW, …).'),
  fuel: sql('What tells the fuel of the service point (e.g. the service point type).'),
  detail_key: sql('Identifies one quantity row within a read; a repeat means a join fans out.').optional(),
  fuels: z.record(z.string(), fuelSchema).meta({ description: 'Fuels by name (electric, gas, …).' }),
  net_metering: z
    .enum(['net', 'delivered', 'exclude'])
    .optional()
    .meta({
      description:
        'Reads with exported energy: net (default: the signed sum, may be negative), delivered (only positive rows), exclude (leave a read with a negative sum out).',
    }),
  decimals: z.number().int().min(0).max(6).optional().meta({ description: 'Digits kept in usage_value (default 3).' }),
})

const changeSchema = z
  .strictObject({
    timestamp: sql('A last-update expression of the entity.').optional(),
    diff: z
      .literal(true)
      .optional()
      .meta({ description: 'No usable last-update column: changes are found by comparing with accepted values.' }),
  })
  .meta({ description: 'How changes of an entity are detected for incremental files.' })

const durationText = (description: string) =>
  z
    .string()
    .regex(/^\d+[smhd]$/, 'expected a number and a unit s, m, h or d, e.g. 30m or 1d')
    .meta({ description })

const incrementalSchema = z
  .strictObject({
    lookback: durationText('How far before the previous upper bound each incremental re-reads changes, so late commits are not lost (default 1d; more than 1h where the database clock follows daylight saving time).').optional(),
    settle_lag: durationText('The upper bound stays this far behind the database clock, so open transactions can commit (default 10m).').optional(),
    empty_incremental: z
      .enum(['header_only', 'skip'])
      .optional()
      .meta({ description: 'A window with no change: header_only (default) writes files with only the header; skip writes none. Either way the run advances the state once accepted.' }),
  })
  .meta({ description: 'Incremental windows (DESIGN: lookback, settle lag, empty incrementals).' })

export const ENTITIES = ['reads', 'accounts', 'customers', 'premises', 'service_points'] as const

export const mappingSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema reference for editors.' }),
    utility: z
      .string()
      .regex(/^[a-z0-9]{3,4}$/, 'expected the 3–4 character utility code agreed with the Delivery Team, lower case')
      .meta({ description: 'Utility code for file names (3–4 lower-case letters or digits).' }),
    timezone: z.string().min(1).meta({ description: 'IANA time zone of the utility, e.g. America/Chicago.' }),
    population: z
      .enum(['res', 'nonres', 'nonres-smb', 'nonres-lci'])
      .optional()
      .meta({ description: 'Population token of the file names (default res).' }),
    spec_version: z
      .string()
      .regex(/^v?\d+-\d+-\d+$/, 'expected three numbers joined by hyphens, e.g. v1-19-0')
      .optional()
      .meta({ description: 'Spec version token of the file names (default v1-19-0).' }),
    purpose: z
      .enum(['production', 'demo'])
      .optional()
      .meta({ description: 'production (default) refuses provisional spec columns until a template header confirms them.' }),
    launch_date: dateString.optional().meta({ description: 'Launch date; historicals start 1 January of the year before.' }),
    layout: z.enum(['single', 'split']).meta({ description: 'single: one full file; split: customer + usage files.' }),
    full_layout_service_point_id: z
      .enum(['once', 'twice'])
      .optional()
      .meta({ description: 'single layout: service_point_id written once, or again at the start of the usage group.' }),
    columns_from: z
      .union([
        z.string(),
        z.strictObject({ full: z.string().optional(), customer: z.string().optional(), usage: z.string().optional() }),
      ])
      .optional()
      .meta({
        description:
          "The Delivery Team's template file(s) whose header line replaces the spec pack's column list: one path for the single layout, or { customer, usage } for the split layout.",
      }),
    output: z
      .strictObject({
        folder: z.string().meta({ description: 'Where files are written, relative to the mapping file.' }),
        state: z.string().optional().meta({ description: 'Workspace state folder (default: <folder>/../state).' }),
        compression: z.enum(['gz', 'zip']).optional().meta({ description: 'gz (default) or zip.' }),
        max_rows_per_file: z
          .number()
          .int()
          .min(0)
          .optional()
          .meta({ description: 'Split large files after this many rows, never inside a service point (0 = no split).' }),
        chunk_service_points: z
          .number()
          .int()
          .min(0)
          .optional()
          .meta({
            description:
              'Full historicals: read this many service points per chunk, each with its own short snapshot and file(s), so a failed run resumes from its last finished chunk. Planning the chunks costs one extra pass over the joins. Default 0: one chunk, no plan.',
          }),
        parallel_chunks: z
          .number()
          .int()
          .min(1, 'at least 1 (1 = one chunk at a time)')
          .max(8, 'at most 8 chunks at once; use the number of cores the extract may take, e.g. 2')
          .optional()
          .meta({
            description:
              'Full historicals in chunks: extract up to this many chunks at once, each in its own thread with its own database connection (1 to 8). Helps when the database is not the limit and the machine has cores to spare; each costs another heap. Default 1: one chunk after another.',
          }),
      })
      .meta({ description: 'Output files and workspace.' }),
    cleaning: z
      .strictObject({
        tab: z.enum(['space', 'remove', 'reject']).optional(),
        line_break: z.enum(['space', 'remove', 'reject']).optional(),
        nul: z.enum(['remove', 'reject']).optional(),
      })
      .optional()
      .meta({ description: 'What to do with TAB, CR/LF and NUL inside values (default space, space, remove).' }),
    max_rejects: z.number().int().min(0).optional().meta({ description: 'Rejected rows tolerated before a file may be sent (default 0).' }),
    allow_negative_usage: z
      .boolean()
      .optional()
      .meta({ description: 'Opower has enabled negative usage_value for this utility (default false).' }),
    source: z.strictObject({
      dialect: z.enum(DIALECT_NAMES).meta({ description: 'Database kind.' }),
      connection: connectionSchema,
      stall_timeout: z
        .string()
        .regex(/^\d+[smhd]$/, 'expected a number and a unit s, m, h or d, e.g. 10m')
        .optional()
        .meta({ description: 'Watchdog: a query that delivers no row for this long fails the run with SOURCE_STALLED and its connection is closed (default 10m).' }),
      sort: z
        .enum(['database', 'disk'])
        .optional()
        .meta({
          description:
            "Who puts a full historical's reads in spec order: the database (ORDER BY, checked row by row; if its order differs, the extract sorts on disk instead) or the extract, on disk (sparing a busy database the sort). Default database.",
        }),
    }),
    from: tableSchema.optional().meta({ description: 'The table one row per usage quantity comes from.' }),
    joins: z.array(joinSchema).optional().meta({ description: 'Joined tables, in order.' }),
    where: sql('Extra SQL condition on every extract (e.g. leave out cancelled bill segments).').optional(),
    select: sql('Escape hatch: a hand-written SELECT used instead of from/joins/where; expressions refer to its columns as src.<name>; :name parameters are bound from `parameters`.').optional(),
    parameters: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .meta({ description: 'Values bound to :name parameters of `select`.' }),
    reads: readsSchema,
    usage: usageSchema,
    incremental: incrementalSchema.optional(),
    change_detection: z
      .partialRecord(z.enum(ENTITIES), changeSchema)
      .optional()
      .meta({ description: 'Per entity, how incremental extracts find changes.' }),
    delivery: deliverySchema.optional(),
    columns: z.record(z.string(), columnSchema).meta({ description: 'Spec columns by name.' }),
  })
  .meta({ title: 'opower-extract mapping', description: 'Maps billing tables to Opower Legacy Billing columns.' })

export type WrittenMapping = z.infer<typeof mappingSchema>
export type WrittenColumn = z.infer<typeof columnSchema>
export type DialectName = (typeof DIALECT_NAMES)[number]
