import { nonEmptyCheck } from './non-empty-check.js'

/** V34: `account_id` is non-empty. */
export const v34AccountId = nonEmptyCheck({ id: 'V34', title: 'account_id is non-empty', columns: ['account_id'] })
