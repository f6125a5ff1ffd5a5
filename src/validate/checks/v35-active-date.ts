import { dateCheck } from './date-check.js'

/** V35: `active_date` is non-empty and a real `yyyymmdd` date. */
export const v35ActiveDate = dateCheck({
  id: 'V35',
  title: 'active_date is a real yyyymmdd date',
  column: 'active_date',
  emptyIsError: true,
})
