import type { FileSpec, ServicePointIdMode } from '../spec/file-layout.js'

/** An inclusive range of read durations in days that Opower supports (V62). */
export interface DurationBand {
  readonly name: string
  readonly min: number
  readonly max: number
}

/** Monthly, bi-monthly, quarterly and annual cycles (LEGACY-BILLING-SPEC.md §2.4); the widths are inferred. */
export const DEFAULT_DURATION_BANDS: readonly DurationBand[] = [
  { name: 'monthly', min: 25, max: 35 },
  { name: 'bi-monthly', min: 55, max: 65 },
  { name: 'quarterly', min: 85, max: 95 },
  { name: 'annual', min: 360, max: 370 },
]

/**
 * Everything a validation needs to know, as plain data (the CLI builds it from a mapping or from flags;
 * tests build it with {@link defaultValidationOptions}).
 *
 * ```ts
 * const options = defaultValidationOptions({ utility: 'gec', servicePointIdInFull: 'twice' })
 * ```
 */
export interface ValidationOptions {
  /** The header to expect. When absent it is derived from the name's type token and `servicePointIdInFull`. */
  readonly expected?: FileSpec
  /** Whether a `full` file carries `service_point_id` once or twice (LEGACY-BILLING-SPEC.md §2, open question). */
  readonly servicePointIdInFull: ServicePointIdMode
  /** The utility code the name must carry (V02); unchecked when absent. */
  readonly utility?: string
  /** The population token (V03); `res` when absent. */
  readonly population?: string
  /** Allows a population other than `res` (V03). */
  readonly allowNonres?: boolean
  /** The version token (V04); `v1-19-0` when absent. */
  readonly specVersion?: string
  /** V09: the Oracle limit is unknown, 100 until confirmed. */
  readonly maxFileNameLength: number
  /** V58: only once Opower has configured negative usage. */
  readonly allowNegativeUsage: boolean
  /** V58: a zero usage value is an error (off by default: "positive" is ambiguous in the spec). */
  readonly rejectZeroUsage: boolean
  /** V22: the file must use CRLF instead of LF. */
  readonly crlf: boolean
  /**
   * Allowed values by column name. Replaces the spec pack's list for `is_estimate`; supplies the lists the
   * spec pack lacks (`customer_type`, `meter_type`, `meter_unit`: V32, V51).
   */
  readonly enums?: Readonly<Record<string, readonly string[]>>
  /** How many examples each finding keeps (the count is always exact). */
  readonly exampleLimit: number
  /** Entries a rule's per-entity map keeps in memory before it moves to disk (`ENTITY_MAP_MEMORY_LIMIT` when absent; tests lower it). */
  readonly entityMapLimit?: number
  /** V62 bands; {@link DEFAULT_DURATION_BANDS} when absent. */
  readonly durationBands?: readonly DurationBand[]
  /** The utility's date today, `yyyymmdd` (V38, V60: nothing may lie in the future). */
  readonly today: string
  /** The generation clock and the utility's time zone (V08: a name's timestamp is not in the future). */
  readonly now: Date
  readonly timezone: string
  /** V60: reads before this `yyyymmdd` date are out of the agreed history. */
  readonly historyStart?: string
  /** V30: the utility runs Oracle CC&B, so `ccb_account_id` is required. */
  readonly usesOracleCcb: boolean
  /** V40: Opower has enabled account deletion, so `is_account_deletion` may be set. */
  readonly accountDeletionEnabled: boolean
  /** V43: how many days `active_date` may differ from the start of the account's earliest read. */
  readonly activeDateToleranceDays: number
  /** V54 and the per-fuel plausibility checks: the column that names the fuel (e.g. `meter_type`). */
  readonly fuelColumn?: string
  /** V72: a gap inside one account is an error instead of a warning. */
  readonly strictNoGaps: boolean
  /** V80: the phase the file belongs to; the sample's scope is checked only for `sample`. */
  readonly phase?: 'sample' | 'full' | 'incremental'
  readonly sampleMinAccounts: number
  readonly sampleMaxAccounts: number
  /** P03: the share of estimated reads (`is_estimate` = E) above which a warning is given. */
  readonly maxEstimatedShare: number
  /** P02: a usage value above this multiple of its fuel's 99th percentile is an outlier. */
  readonly outlierFactor: number
  /** Reports may quote names and addresses (off: they describe such values by their length only). */
  readonly showPersonalData: boolean
}

export const DEFAULT_POPULATION = 'res'
export const DEFAULT_SPEC_VERSION = 'v1-19-0'

/** The defaults of every option, with `overrides` applied on top; `today` is taken in `overrides.timezone` (default UTC). */
export function defaultValidationOptions(overrides: Partial<ValidationOptions> = {}): ValidationOptions {
  const now = overrides.now ?? new Date()
  return {
    // Same default as a mapping that does not say (config/normalize-mapping.ts).
    servicePointIdInFull: 'once',
    population: DEFAULT_POPULATION,
    allowNonres: false,
    specVersion: DEFAULT_SPEC_VERSION,
    maxFileNameLength: 100,
    allowNegativeUsage: false,
    rejectZeroUsage: false,
    crlf: false,
    exampleLimit: 10,
    today: localDate(now, overrides.timezone ?? 'UTC'),
    now,
    timezone: 'UTC',
    usesOracleCcb: false,
    accountDeletionEnabled: false,
    activeDateToleranceDays: 0,
    strictNoGaps: false,
    sampleMinAccounts: 10_000,
    sampleMaxAccounts: 20_000,
    maxEstimatedShare: 0.25,
    outlierFactor: 10,
    showPersonalData: false,
    ...overrides,
  }
}

/** `yyyymmdd` of `now` in an IANA time zone. */
function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now)
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}${part('month')}${part('day')}`
}
