import { LEGACY_BILLING_V1 } from '../../spec/legacy-billing-v1.js'
import { enumCheck } from './enum-check.js'

const SPEC_VALUES = LEGACY_BILLING_V1.groups.usage.find((c) => c.name === 'is_estimate')?.allowedValues

/** V63: `is_estimate` is one of `enums.is_estimate`, by default the spec's A, E, U (an empty one is V55's). */
export const v63IsEstimate = enumCheck({
  id: 'V63',
  title: 'is_estimate is an allowed value',
  columns: ['is_estimate'],
  listOf: (ctx, column) => ctx.options.enums?.[column] ?? SPEC_VALUES,
})
