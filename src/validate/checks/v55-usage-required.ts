import type { CheckContext } from '../check.js'
import { nonEmptyCheck } from './non-empty-check.js'

const OTHERS = ['usage_value', 'date_to', 'duration', 'is_estimate'] as const

/**
 * V55: the usage group's `service_point_id`, `usage_value`, `date_to`, `duration` and `is_estimate` are
 * non-empty. In a `full` file with one `service_point_id`, that column is V45's, so it is not counted twice.
 */
export const v55UsageRequired = nonEmptyCheck({
  id: 'V55',
  title: 'The usage columns service_point_id, usage_value, date_to, duration, is_estimate are non-empty',
  columns: ['service_point_id', ...OTHERS],
  resolve(ctx: CheckContext) {
    const file = ctx.file
    const servicePoint = file.lastColumn('service_point_id')
    const sharedWithV45 = servicePoint === file.column('service_point_id') && file.column('service_house_number') >= 0
    return [...(sharedWithV45 ? [] : [servicePoint]), ...OTHERS.map((name) => file.column(name))]
  },
})
