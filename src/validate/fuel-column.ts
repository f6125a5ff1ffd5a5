import type { ValidatedFile } from './check.js'
import type { ValidationOptions } from './validation-options.js'

/** The column that tells fuels apart: `fuelColumn` when configured, else `meter_type`; -1 when neither is there. */
export function fuelColumnOf(file: ValidatedFile, options: ValidationOptions): number {
  return file.column(options.fuelColumn ?? 'meter_type')
}

/** The fuel of a row for per-fuel figures ('all' when the file has no fuel column or the value is empty). */
export function fuelName(value: string | undefined): string {
  return value === undefined || value === '' ? 'all' : value
}
