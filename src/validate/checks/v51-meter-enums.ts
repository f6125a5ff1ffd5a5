import { enumCheck } from './enum-check.js'

/** V51: `meter_type` and `meter_unit` are in the configured lists (the Oracle lists were not retrieved). */
export const v51MeterEnums = enumCheck({
  id: 'V51',
  title: 'meter_type and meter_unit are allowed values',
  columns: ['meter_type', 'meter_unit'],
  listOf: (ctx, column) => ctx.options.enums?.[column],
})
