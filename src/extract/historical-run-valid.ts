import type { ValidationReport } from '../validate/validation-report.js'

/** A historical may be sent when every file it wrote validates and its rejected rows are within `max_rejects`. */
export function historicalRunValid(files: readonly { readonly validation: ValidationReport }[], rejected: number, maxRejects: number): boolean {
  return files.every((file) => file.validation.ok) && rejected <= maxRejects
}
