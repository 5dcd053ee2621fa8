import { quantile } from './scoring.js'
import { randomInt, seededRandom } from './seeded-random.js'
import type { StepTally } from './area-score.js'

/**
 * The 95% interval of the lift by bootstrap over time steps: draw as many steps as the period
 * has, with replacement, each with all its areas (areas on one day share the day's conditions,
 * so they are resampled together), and take the 2.5th and 97.5th percentiles of the lifts.
 * Draws without an outcome or without time under warning have no lift and are left out. Seeded.
 */
export function liftInterval(tallies: readonly StepTally[], resamples: number, seed: number): [number, number] | null {
  const random = seededRandom(seed)
  const n = tallies.length
  const lifts: number[] = []
  for (let b = 0; b < resamples; b++) {
    let outcomes = 0
    let hits = 0
    let under = 0
    let units = 0
    for (let i = 0; i < n; i++) {
      const t = tallies[randomInt(random, n)]!
      outcomes += t.outcomes
      hits += t.hits
      under += t.underWarning
      units += t.areas
    }
    if (outcomes > 0 && under > 0) lifts.push((hits / outcomes) / (under / units))
  }
  if (lifts.length === 0) return null
  lifts.sort((a, b) => a - b)
  return [quantile(lifts, 0.025), quantile(lifts, 0.975)]
}
