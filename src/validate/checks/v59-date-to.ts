import { dateCheck } from './date-check.js'

/** V59: `date_to` is a real `yyyymmdd` date (an empty one is V55's). */
export const v59DateTo = dateCheck({ id: 'V59', title: 'date_to is a real yyyymmdd date', column: 'date_to', emptyIsError: false })
