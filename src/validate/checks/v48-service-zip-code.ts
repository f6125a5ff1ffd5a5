import type { Check } from '../check.js'

const ZIP = /^\d{5}(-\d{4})?$/
const ZIP9_WITHOUT_HYPHEN = /^\d{9}$/

interface ZipState {
  readonly column: number
  /** The last value found valid: a service point's rows repeat it, and a comparison is cheaper than a regex. */
  lastValid: string
}

/**
 * V48: `service_zip_code` is `12345` or `12345-6789` (error); nine digits without the hyphen is only a
 * warning. An empty value is left alone: whether the column is required was cut off in the spec (§2.3),
 * and once a template marks it required V33 reports it. The value is an address part, so it is not quoted.
 */
export const v48ServiceZipCode: Check<ZipState> = {
  id: 'V48',
  severity: 'error',
  title: 'service_zip_code is 5 digits or ZIP+4',
  columns: ['service_zip_code'],
  init: (ctx) => ({ column: ctx.file.column('service_zip_code'), lastValid: '' }),
  onRow(row, line, ctx, state) {
    const value = row.field(state.column)
    if (value === '' || value === state.lastValid) return
    if (ZIP.test(value)) {
      state.lastValid = value
      return
    }
    if (ZIP9_WITHOUT_HYPHEN.test(value)) {
      ctx.reportRow(row, line, state.column, 'service_zip_code has 9 digits without the hyphen (write 12345-6789)', 'warning')
    } else {
      ctx.reportRow(row, line, state.column, `service_zip_code (${value.length} characters) is not 12345 or 12345-6789`)
    }
  },
}
