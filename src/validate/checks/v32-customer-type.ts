import { enumCheck } from './enum-check.js'

/** V32: `customer_type` is in the configured list (the Oracle list was not retrieved: `enums.customer_type`). */
export const v32CustomerType = enumCheck({
  id: 'V32',
  title: 'customer_type is an allowed value',
  columns: ['customer_type'],
  listOf: (ctx, column) => ctx.options.enums?.[column],
})
