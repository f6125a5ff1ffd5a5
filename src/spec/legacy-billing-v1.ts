import type { SpecColumn } from './spec-column.js'

/**
 * Oracle Utilities Opower "Legacy Billing Data Transfer" v1-19-0, as far as the public pages could be read
 * (see shared/spec/LEGACY-BILLING-SPEC.md). Each group's confirmed prefix comes first, in spec order; the
 * names the version history mentions without a position follow as `provisional`. Nothing here is invented:
 * the missing tails come from the Delivery Team's template header (`columns_from` in a mapping).
 */
export const LEGACY_BILLING_V1 = {
  version: 'v1-19-0',
  groups: {
    customer: [
      { name: 'customer_id', group: 'customer', kind: 'string', required: true, status: 'confirmed' },
      { name: 'premise_id', group: 'customer', kind: 'string', required: true, status: 'confirmed' },
      { name: 'secondary_id', group: 'customer', kind: 'string', required: false, status: 'confirmed' },
      {
        name: 'ccb_account_id',
        group: 'customer',
        kind: 'string',
        required: false,
        status: 'confirmed',
        note: 'required when the utility runs Oracle CC&B',
      },
      { name: 'mail_address_line_1', group: 'customer', kind: 'string', required: false, status: 'name_only' },
      { name: 'customer_type', group: 'customer', kind: 'string', required: false, status: 'provisional' },
      { name: 'business_name', group: 'customer', kind: 'string', required: false, status: 'provisional' },
    ],
    account: [
      { name: 'account_id', group: 'account', kind: 'string', required: true, status: 'confirmed' },
      { name: 'active_date', group: 'account', kind: 'date', required: true, status: 'confirmed' },
      { name: 'inactive_date', group: 'account', kind: 'date', required: false, status: 'confirmed' },
      {
        name: 'is_account_deletion',
        group: 'account',
        kind: 'enum',
        required: false,
        status: 'confirmed',
        allowedValues: ['true', '1', 't'],
      },
      { name: 'read_cycle', group: 'account', kind: 'string', required: false, status: 'name_only' },
    ],
    service_point: [
      { name: 'service_point_id', group: 'service_point', kind: 'string', required: true, status: 'confirmed' },
      { name: 'service_house_number', group: 'service_point', kind: 'string', required: true, status: 'confirmed' },
      { name: 'service_street_name', group: 'service_point', kind: 'string', required: true, status: 'confirmed' },
      { name: 'service_unit', group: 'service_point', kind: 'string', required: false, status: 'confirmed' },
      { name: 'service_city', group: 'service_point', kind: 'string', required: true, status: 'confirmed' },
      {
        name: 'service_state',
        group: 'service_point',
        kind: 'string',
        required: true,
        status: 'confirmed',
        exactLength: 2,
      },
      { name: 'service_zip_code', group: 'service_point', kind: 'string', required: false, status: 'name_only' },
      { name: 'meter_type', group: 'service_point', kind: 'string', required: false, status: 'provisional' },
      { name: 'meter_unit', group: 'service_point', kind: 'string', required: false, status: 'provisional' },
      { name: 'bldg_sq_foot', group: 'service_point', kind: 'string', required: false, status: 'provisional' },
    ],
    usage: [
      { name: 'service_point_id', group: 'usage', kind: 'string', required: true, status: 'confirmed' },
      { name: 'usage_value', group: 'usage', kind: 'decimal', required: true, status: 'confirmed', max: 999999999 },
      { name: 'date_to', group: 'usage', kind: 'date', required: true, status: 'confirmed' },
      { name: 'duration', group: 'usage', kind: 'integer', required: true, status: 'confirmed', min: 1 },
      {
        name: 'is_estimate',
        group: 'usage',
        kind: 'enum',
        required: true,
        status: 'confirmed',
        allowedValues: ['A', 'E', 'U'],
      },
      { name: 'usage_charge', group: 'usage', kind: 'decimal', required: false, status: 'name_only' },
    ],
  },
} as const satisfies { version: string; groups: Record<string, readonly SpecColumn[]> }

/** Every column name the spec pack knows, for "did you mean" suggestions and template checks. */
export const KNOWN_COLUMN_NAMES: readonly string[] = [
  ...new Set(Object.values(LEGACY_BILLING_V1.groups).flatMap((group) => group.map((c) => c.name))),
]
