import { nonEmptyCheck } from './non-empty-check.js'

/** V29: `premise_id` is non-empty. */
export const v29PremiseId = nonEmptyCheck({ id: 'V29', title: 'premise_id is non-empty', columns: ['premise_id'] })
