import { nonEmptyCheck } from './non-empty-check.js'

/** V28: `customer_id` is non-empty. */
export const v28CustomerId = nonEmptyCheck({ id: 'V28', title: 'customer_id is non-empty', columns: ['customer_id'] })
