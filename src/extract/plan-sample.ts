import type { Mapping } from '../config/mapping.js'
import type { Source } from '../source/create-source.js'
import type { HistoricalWindow } from './extract-window.js'
import { pickSample, type PremiseCount } from './pick-sample.js'
import { buildPremiseQuery } from './read-query.js'

export interface SamplePlan {
  readonly premises: string[]
  readonly accounts: number
  readonly premisesInWindow: number
  readonly accountsInWindow: number
}

/** Lists the window's premises with their accounts and picks the sample's premises by seed. */
export async function planSample(mapping: Mapping, source: Source, window: HistoricalWindow, options: { seed: string; sampleSize: number }): Promise<SamplePlan> {
  const query = buildPremiseQuery(mapping, source.dialect, { from: window.from, toExclusive: window.toExclusive })
  const premises: PremiseCount[] = []
  let accountsInWindow = 0
  for await (const row of source.stream(query.sql, query.bindings)) {
    const accounts = Number(row[1] ?? 0)
    accountsInWindow += accounts
    const premiseId = (row[0] ?? '').trim()
    if (premiseId !== '') premises.push({ premiseId, accounts })
  }
  const picked = pickSample(premises, { seed: options.seed, targetAccounts: options.sampleSize })
  return { ...picked, premisesInWindow: premises.length, accountsInWindow }
}
