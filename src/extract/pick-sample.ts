import { createHash } from 'node:crypto'

/** A premise of the window with how many accounts occupied it. */
export interface PremiseCount {
  readonly premiseId: string
  readonly accounts: number
}

/** Where a premise falls in the seed's order: the first 52 bits of sha256(seed:premise) as a fraction. */
export function premiseRank(seed: string, premiseId: string): number {
  const digest = createHash('sha256').update(`${seed}:${premiseId}`).digest()
  return (digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12)) / 2 ** 52
}

/**
 * Picks whole premises (so move-in/move-out chains and dual fuel stay together) in the seed's order until
 * the sample holds at least `targetAccounts` accounts. The order depends only on the seed and the premise
 * id, so the pick is the same across rounds and databases; the sample is a prefix of that order.
 */
export function pickSample(premises: Iterable<PremiseCount>, options: { seed: string; targetAccounts: number }): { premises: string[]; accounts: number } {
  const ranked: { premiseId: string; accounts: number; rank: number }[] = []
  for (const premise of premises) ranked.push({ ...premise, rank: premiseRank(options.seed, premise.premiseId) })
  ranked.sort((a, b) => a.rank - b.rank || (a.premiseId < b.premiseId ? -1 : 1))
  const picked: string[] = []
  let accounts = 0
  for (const premise of ranked) {
    if (accounts >= options.targetAccounts) break
    picked.push(premise.premiseId)
    accounts += premise.accounts
  }
  return { premises: picked.sort(), accounts }
}
