import { ToolkitError } from '../errors/toolkit-error.js'
import { addDays, isCalendarDate } from './calendar-date.js'

/** The read-date window of a historical extract: `date_to` in [from, end], both YYYY-MM-DD. */
export interface HistoricalWindow {
  readonly from: string
  readonly end: string
  /** The day after `end`: the query's exclusive bound. */
  readonly toExclusive: string
}

/**
 * Historical phases take reads with `date_to` in [from, end]. `from` defaults to 1 January of the year
 * before the launch date (or before the end date when the mapping has no launch date).
 */
export function historicalWindow(options: { endDate: string | undefined; from: string | undefined; launchDate: string | undefined }): HistoricalWindow {
  const { endDate, launchDate } = options
  if (!endDate) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', '--end-date is required for sample and full extracts', {
      hint: 'give the "as of" date of the historical, e.g. --end-date 2026-10-31',
    })
  }
  checkDate('--end-date', endDate)
  const anchorYear = Number((launchDate ?? endDate).slice(0, 4))
  const from = options.from ?? `${anchorYear - 1}-01-01`
  checkDate('--from', from)
  if (from > endDate) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--from ${from} is after --end-date ${endDate}`, {
      hint: 'the window is [from, end-date]; swap the dates or leave --from out',
    })
  }
  return { from, end: endDate, toExclusive: addDays(endDate, 1) }
}

function checkDate(flag: string, value: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isCalendarDate(value)) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `${flag} "${value}" is not a calendar date`, {
      hint: 'write dates as YYYY-MM-DD, e.g. 2026-10-31',
    })
  }
}
