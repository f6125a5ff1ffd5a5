import { nonEmptyCheck } from './non-empty-check.js'

/** V45: the service point's id and address (house number, street, city, state) are non-empty. */
export const v45ServicePointRequired = nonEmptyCheck({
  id: 'V45',
  title: 'service_point_id and the service address are non-empty',
  columns: ['service_point_id', 'service_house_number', 'service_street_name', 'service_city', 'service_state'],
})
