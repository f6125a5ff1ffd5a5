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
  /** V62 bands; {@link DEFAULT_DURATION_BANDS} when absent. */
  readonly durationBands?: readonly DurationBand[]
}

export const DEFAULT_POPULATION = 'res'
export const DEFAULT_SPEC_VERSION = 'v1-19-0'

/** The defaults of every option, with `overrides` applied on top. */
export function defaultValidationOptions(overrides: Partial<ValidationOptions> = {}): ValidationOptions {
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
    ...overrides,
  }
}
