import { dateCheck } from './date-check.js'

/** V36: `inactive_date` is empty (active account) or a real `yyyymmdd` date. */
export const v36InactiveDate = dateCheck({
  id: 'V36',
  title: 'inactive_date is empty or a real yyyymmdd date',
  column: 'inactive_date',
  emptyIsError: false,
})
