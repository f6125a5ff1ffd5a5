import type { Knex } from 'knex'

/**
 * Billing activity on the demo (CC&B-shaped) schema, written the way a billing system would: new frozen
 * bill segments, cancel and re-bill, move-out and move-in, master-data edits on tables without a
 * last-update column. Portable SQL through knex, so it runs on every live database.
 */
export class BillingActivity {
  readonly #knex: Knex
  #next = 0

  constructor(knex: Knex) {
    this.#knex = knex
  }

  #id(prefix: string, length: number): string {
    this.#next++
    return `${prefix}${String(this.#next).padStart(length - prefix.length, '0')}`
  }

  /** Active service agreements with their service point, premise and the end of their last frozen bill. */
  async activeAgreements(): Promise<{ saId: string; spId: string; premId: string; acctId: string; fuel: string; lastEnd: string }[]> {
    const rows = (await this.#knex.raw(
      `SELECT sa.sa_id, sasp.sp_id, sp.prem_id, sa.acct_id, sa.sa_type_cd, MAX(bs.end_dt) AS last_end
       FROM ci_sa sa JOIN ci_sa_sp sasp ON sasp.sa_id = sa.sa_id JOIN ci_sp sp ON sp.sp_id = sasp.sp_id
       JOIN ci_bseg bs ON bs.sa_id = sa.sa_id AND bs.bseg_stat_flg = '50'
       WHERE sa.end_dt IS NULL GROUP BY sa.sa_id, sasp.sp_id, sp.prem_id, sa.acct_id, sa.sa_type_cd ORDER BY sa.sa_id`,
    )) as unknown
    return rowsOf(rows).map((row) => ({
      saId: String(row.sa_id),
      spId: String(row.sp_id),
      premId: String(row.prem_id),
      acctId: String(row.acct_id),
      fuel: String(row.sa_type_cd),
      lastEnd: dateText(row.last_end),
    }))
  }

  /** A frozen bill segment for [start, end] with one usage quantity, frozen at `frozenAt`. */
  async bill(saId: string, fuel: string, start: string, end: string, frozenAt: string, quantity: number): Promise<string> {
    const bsegId = this.#id('9', 12)
    await this.#knex('ci_bseg').insert({
      bseg_id: bsegId,
      bill_id: this.#id('97', 12),
      sa_id: saId,
      start_dt: start,
      end_dt: end,
      est_sw: 'N',
      bseg_stat_flg: '50',
      cre_dttm: frozenAt,
      stat_chg_dttm: frozenAt,
      version: 1,
    })
    await this.#knex('ci_bseg_sq').insert({
      bseg_id: bsegId,
      seq_num: 1,
      uom_cd: fuel.startsWith('G') ? 'THERM' : 'KWH',
      tou_cd: null,
      sqi_cd: null,
      bill_sq: `${quantity}.0000`,
      version: 1,
    })
    await this.#knex('ci_bseg_calc').insert({ bseg_id: bsegId, header_seq: 1, calc_amt: `${(quantity / 7).toFixed(2)}00`, currency_cd: 'USD', version: 1 })
    return bsegId
  }

  /** Cancels a frozen segment (status 70) and bills its period again with another quantity. */
  async cancelAndRebill(bsegId: string, at: string, quantity: number): Promise<string> {
    const [old] = rowsOf(await this.#knex.raw(`SELECT bs.sa_id, bs.start_dt, bs.end_dt, sa.sa_type_cd FROM ci_bseg bs JOIN ci_sa sa ON sa.sa_id = bs.sa_id WHERE bs.bseg_id = ?`, [bsegId]))
    await this.#knex('ci_bseg').where({ bseg_id: bsegId }).update({ bseg_stat_flg: '70', stat_chg_dttm: at })
    return this.bill(String(old!.sa_id), String(old!.sa_type_cd), dateText(old!.start_dt), dateText(old!.end_dt), at, quantity)
  }

  /** Move-out: the agreement ends on `date` (ci_sa has no last-update column). */
  async moveOut(saId: string, date: string): Promise<void> {
    await this.#knex('ci_sa').where({ sa_id: saId }).update({ end_dt: date, sa_status_flg: '70' })
    await this.#knex('ci_sa_sp').where({ sa_id: saId }).update({ stop_dttm: `${date} 12:00:00.000000` })
  }

  /** Move-in: a new person, account and agreement on the same service point from `date`. */
  async moveIn(spId: string, premId: string, fuel: string, date: string): Promise<{ acctId: string; saId: string }> {
    const perId = this.#id('91', 10)
    const acctId = this.#id('92', 10)
    const saId = this.#id('95', 10)
    await this.#knex('ci_per').insert({ per_id: perId, per_or_bus_flg: 'P', language_cd: 'ENG', version: 1 })
    await this.#knex('ci_per_name').insert({ per_id: perId, seq_num: 1, entity_name: 'Newcomer,Pat', prim_name_sw: 'Y', version: 1 })
    await this.#knex('ci_acct').insert({ acct_id: acctId, cust_cl_cd: 'RES', setup_dt: date, bill_cyc_cd: 'M12', version: 1 })
    await this.#knex('ci_acct_per').insert({ acct_id: acctId, per_id: perId, acct_rel_type_cd: 'MAIN', main_cust_sw: 'Y', fin_resp_sw: 'Y', version: 1 })
    await this.#knex('ci_sa').insert({ sa_id: saId, acct_id: acctId, sa_type_cd: fuel, sa_status_flg: '20', start_dt: date, end_dt: null, char_prem_id: premId, version: 1 })
    await this.#knex('ci_sa_sp').insert({ sa_sp_id: this.#id('96', 10), sa_id: saId, sp_id: spId, start_dttm: `${date} 12:00:00.000000`, stop_dttm: null, version: 1 })
    return { acctId, saId }
  }

  /** An address change on ci_prem, which has no last-update column (found by `diff`). */
  async changeAddress(premId: string, street: string): Promise<void> {
    await this.#knex('ci_prem').where({ prem_id: premId }).update({ address1: street })
  }
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  // pg: { rows }, mysql2: [rows, fields], better-sqlite3: rows
  if (Array.isArray(result)) return (Array.isArray(result[0]) ? result[0] : result) as Record<string, unknown>[]
  return (result as { rows: Record<string, unknown>[] }).rows
}

function dateText(value: unknown): string {
  if (value instanceof Date) return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`
  return String(value).slice(0, 10)
}
