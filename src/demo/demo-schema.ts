import type { ColumnDef, TableDef } from './table-schema.js'

/** The tables of the demo database, parents before children (the load order). */
export const DEMO_TABLE_NAMES = [
  'ci_per',
  'ci_per_name',
  'ci_acct',
  'ci_acct_per',
  'ci_prem',
  'ci_sp',
  'ci_sa',
  'ci_sa_sp',
  'ci_bseg',
  'ci_bseg_sq',
  'ci_bseg_calc',
] as const
export type DemoTableName = (typeof DEMO_TABLE_NAMES)[number]

const id = (name: string, length = 12): ColumnDef => ({ name, type: 'text', length })
const code = (name: string, length = 16): ColumnDef => ({ name, type: 'text', length })
const version: ColumnDef = { name: 'version', type: 'integer' }

/**
 * A CC&B-shaped billing schema (lower-case CC&B table and column names; other code is written against
 * these names). Like CC&B, the master tables carry only a VERSION counter and no last-update timestamp;
 * only `ci_bseg` has `cre_dttm` and `stat_chg_dttm`. No foreign key constraints (CC&B declares none
 * either), but every foreign key column is indexed.
 */
export const DEMO_SCHEMA: readonly TableDef[] = [
  {
    name: 'ci_per',
    columns: [id('per_id', 10), code('per_or_bus_flg', 1), code('language_cd', 3), version],
    primaryKey: ['per_id'],
    indexes: [],
  },
  {
    name: 'ci_per_name',
    columns: [
      id('per_id', 10),
      { name: 'seq_num', type: 'integer' },
      { name: 'entity_name', type: 'text', length: 254 },
      code('prim_name_sw', 1),
      version,
    ],
    primaryKey: ['per_id', 'seq_num'],
    indexes: [],
  },
  {
    name: 'ci_acct',
    columns: [
      id('acct_id', 10),
      code('cust_cl_cd', 8),
      { name: 'setup_dt', type: 'date' },
      code('bill_cyc_cd', 4),
      version,
    ],
    primaryKey: ['acct_id'],
    indexes: [],
  },
  {
    name: 'ci_acct_per',
    columns: [
      id('acct_id', 10),
      id('per_id', 10),
      code('acct_rel_type_cd', 8),
      code('main_cust_sw', 1),
      code('fin_resp_sw', 1),
      version,
    ],
    primaryKey: ['acct_id', 'per_id'],
    indexes: [{ name: 'ci_acct_per_per_id_ix', columns: ['per_id'] }],
  },
  {
    name: 'ci_prem',
    columns: [
      id('prem_id', 10),
      code('prem_type_cd', 8),
      { name: 'num1', type: 'text', length: 30 },
      { name: 'address1', type: 'text', length: 254 },
      { name: 'address2', type: 'text', length: 254, nullable: true },
      { name: 'city', type: 'text', length: 90 },
      code('state', 2),
      code('postal', 12),
      { name: 'mail_addr', type: 'text', length: 254, nullable: true },
      version,
    ],
    primaryKey: ['prem_id'],
    indexes: [],
  },
  {
    name: 'ci_sp',
    columns: [
      id('sp_id', 10),
      code('sp_type_cd', 8),
      id('prem_id', 10),
      code('mr_cyc_cd', 4),
      code('sp_status_flg', 2),
      version,
    ],
    primaryKey: ['sp_id'],
    indexes: [{ name: 'ci_sp_prem_id_ix', columns: ['prem_id'] }],
  },
  {
    name: 'ci_sa',
    columns: [
      id('sa_id', 10),
      id('acct_id', 10),
      code('sa_type_cd', 8),
      code('sa_status_flg', 2),
      { name: 'start_dt', type: 'date' },
      { name: 'end_dt', type: 'date', nullable: true },
      id('char_prem_id', 10),
      version,
    ],
    primaryKey: ['sa_id'],
    indexes: [
      { name: 'ci_sa_acct_id_ix', columns: ['acct_id'] },
      { name: 'ci_sa_char_prem_id_ix', columns: ['char_prem_id'] },
    ],
  },
  {
    name: 'ci_sa_sp',
    columns: [
      id('sa_sp_id', 10),
      id('sa_id', 10),
      id('sp_id', 10),
      { name: 'start_dttm', type: 'timestamp' },
      { name: 'stop_dttm', type: 'timestamp', nullable: true },
      version,
    ],
    primaryKey: ['sa_sp_id'],
    indexes: [
      { name: 'ci_sa_sp_sa_id_ix', columns: ['sa_id'] },
      { name: 'ci_sa_sp_sp_id_ix', columns: ['sp_id'] },
    ],
  },
  {
    name: 'ci_bseg',
    columns: [
      id('bseg_id'),
      id('bill_id'),
      id('sa_id', 10),
      { name: 'start_dt', type: 'date' },
      { name: 'end_dt', type: 'date' },
      code('est_sw', 1),
      code('bseg_stat_flg', 2),
      { name: 'cre_dttm', type: 'timestamp' },
      { name: 'stat_chg_dttm', type: 'timestamp' },
      version,
    ],
    primaryKey: ['bseg_id'],
    indexes: [
      { name: 'ci_bseg_sa_id_ix', columns: ['sa_id'] },
      { name: 'ci_bseg_bill_id_ix', columns: ['bill_id'] },
      { name: 'ci_bseg_stat_chg_dttm_ix', columns: ['stat_chg_dttm'] },
      { name: 'ci_bseg_end_dt_ix', columns: ['end_dt'] },
    ],
  },
  {
    name: 'ci_bseg_sq',
    columns: [
      id('bseg_id'),
      { name: 'seq_num', type: 'integer' },
      code('uom_cd', 8),
      { name: 'tou_cd', type: 'text', length: 8, nullable: true },
      { name: 'sqi_cd', type: 'text', length: 8, nullable: true },
      { name: 'bill_sq', type: 'decimal' },
      version,
    ],
    primaryKey: ['bseg_id', 'seq_num'],
    indexes: [],
  },
  {
    name: 'ci_bseg_calc',
    columns: [
      id('bseg_id'),
      { name: 'header_seq', type: 'integer' },
      { name: 'calc_amt', type: 'decimal' },
      code('currency_cd', 3),
      version,
    ],
    primaryKey: ['bseg_id', 'header_seq'],
    indexes: [],
  },
]
