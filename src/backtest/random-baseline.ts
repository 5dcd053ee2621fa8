import { randomInt, seededRandom } from './seeded-random.js'
import type { Grid } from './area-grid.js'

/**
 * Chance, with the same time under warning per area: each Monte Carlo draw shifts every area's
 * warning days by its own random offset around the period (circularly), which keeps each area's
 * days under warning and the length of its spells, and counts the outcome days that fall under
 * warning. The p-value is the share of draws detecting at least as many as the warnings did
 * ((1 + k) / (1 + draws)): how often chance does as well. Day scale. Seeded.
 */

export interface RandomBaseline {
  draws: number
  seed: number
  /** Mean detections over the draws, and as a POD. */
  meanDetected: number
  probabilityOfDetection: number | null
  /** Detections of the warnings themselves, compared with the draws. */
  detected: number
  pValue: number
}

export function randomBaseline(grid: Grid, draws: number, seed: number): RandomBaseline {
  const random = seededRandom(seed)
  const covered = grid.cover.map((row) => row.map((c) => c !== null))
  const outcomes = grid.outcomesInPeriod
  const total = outcomes.reduce((n, o) => n + o.length, 0)
  const detected = outcomes.reduce((n, o, a) => n + o.filter((d) => covered[a]![d]).length, 0)
  const n = grid.days
  let atLeast = 0
  let sum = 0
  for (let b = 0; b < draws; b++) {
    let hits = 0
    for (let a = 0; a < covered.length; a++) {
      const list = outcomes[a]!
      if (list.length === 0) continue
      const shift = randomInt(random, n)
      const row = covered[a]!
      for (const d of list) if (row[(d + shift) % n]) hits++
    }
    sum += hits
    if (hits >= detected) atLeast++
  }
  const meanDetected = draws > 0 ? sum / draws : 0
  return {
    draws, seed, meanDetected, detected,
    probabilityOfDetection: total > 0 ? meanDetected / total : null,
    pValue: (1 + atLeast) / (1 + draws),
  }
}
