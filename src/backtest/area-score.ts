import { spread, type Spread } from './scoring.js'
import type { Grid } from './area-grid.js'
import { liftInterval } from './lift-bootstrap.js'

/**
 * Scores a grid of areas x time steps (days, or weeks of 7 days from the period's first day; the
 * last week may be shorter). Pure. Over the area-steps:
 *
 * - an area-step is **under warning** when any of its days is (day scale: its 00:00 is covered);
 * - it is an **outcome** step when any of its days had an outcome, and a **hit** when one of those
 *   days was under warning: POD = hits / outcome steps;
 * - **time under warning** = area-steps under warning / all area-steps; **lift** = POD / time
 *   under warning (1.0: no better than chance), its 95% interval by bootstrap over time steps;
 * - **Peirce** (Hanssen-Kuipers) = POD - false-alarm rate, the false-alarm rate being the share
 *   of outcome-free area-steps that were under warning (0: no skill, 1: perfect);
 * - **lead time** (day scale) = outcome day - raise day of the earliest covering warning;
 * - a warning (one alert in one area) raised in the period is a **false alarm** when no outcome
 *   of its area fell on a day it covered: FAR = false alarms / warnings;
 * - **cost**: warnings raised per area per week.
 */

export type Scale = 'day' | 'week'

export interface AreaScore {
  scale: Scale
  areas: number
  /** Area-steps scored. */
  steps: number
  outcomes: number
  detected: number
  probabilityOfDetection: number | null
  leadTimeDays: Spread | null
  underWarning: number
  timeUnderWarning: number | null
  lift: number | null
  liftInterval: [number, number] | null
  peirce: number | null
  warnings: number
  falseAlarms: number
  falseAlarmRatio: number | null
  warningsPerAreaWeek: number | null
}

export interface ScoreGridOptions {
  /** Bootstrap resamples for the lift interval; 0: none. */
  bootstrap: number
  seed: number
}

/** Per time step: area-steps with an outcome, hits, under warning, under warning without an outcome. */
export interface StepTally {
  outcomes: number
  hits: number
  underWarning: number
  quietUnderWarning: number
  areas: number
}

const stepLength = (scale: Scale) => (scale === 'day' ? 1 : 7)

/** The tallies per time step, and the lead times of the hits (day scale: one per outcome area-day). */
export function tallySteps(grid: Grid, scale: Scale): { tallies: StepTally[]; leads: number[] } {
  const len = stepLength(scale)
  const n = Math.ceil(grid.days / len)
  const tallies: StepTally[] = Array.from({ length: n }, () => ({ outcomes: 0, hits: 0, underWarning: 0, quietUnderWarning: 0, areas: grid.areas.length }))
  const leads: number[] = []
  grid.cover.forEach((row, a) => {
    const outcomeSet = new Set(grid.outcomesInPeriod[a])
    for (let t = 0; t < n; t++) {
      let under = false
      let outcome = false
      let hit = false
      for (let d = t * len; d < Math.min(grid.days, (t + 1) * len); d++) {
        const c = row[d] ?? null
        if (c !== null) under = true
        if (!outcomeSet.has(d)) continue
        outcome = true
        if (c === null) continue
        hit = true
        if (scale === 'day') leads.push(grid.base + d - Math.floor(c / 86_400_000))
      }
      const tally = tallies[t]!
      if (outcome) tally.outcomes++
      if (hit) tally.hits++
      if (under) tally.underWarning++
      if (under && !outcome) tally.quietUnderWarning++
    }
  })
  return { tallies, leads }
}

function sum(tallies: readonly StepTally[]) {
  const s = { outcomes: 0, hits: 0, underWarning: 0, quietUnderWarning: 0, units: 0 }
  for (const t of tallies) {
    s.outcomes += t.outcomes
    s.hits += t.hits
    s.underWarning += t.underWarning
    s.quietUnderWarning += t.quietUnderWarning
    s.units += t.areas
  }
  return s
}

function falseAlarms(grid: Grid): number {
  return grid.warnings.filter((w) => {
    const days = grid.outcomeDays[w.area]!
    for (let d = w.first; d <= w.last; d++) if (days.has(d)) return false
    return true
  }).length
}

export function scoreGrid(grid: Grid, scale: Scale, opts: ScoreGridOptions): AreaScore {
  const { tallies, leads } = tallySteps(grid, scale)
  const s = sum(tallies)
  const pod = s.outcomes > 0 ? s.hits / s.outcomes : null
  const tuw = s.units > 0 ? s.underWarning / s.units : null
  const quiet = s.units - s.outcomes
  const fa = falseAlarms(grid)
  const areaWeeks = (grid.areas.length * grid.days) / 7
  return {
    scale,
    areas: grid.areas.length,
    steps: s.units,
    outcomes: s.outcomes,
    detected: s.hits,
    probabilityOfDetection: pod,
    leadTimeDays: scale === 'day' ? spread(leads) : null,
    underWarning: s.underWarning,
    timeUnderWarning: tuw,
    lift: pod !== null && tuw ? pod / tuw : null,
    liftInterval: opts.bootstrap > 0 ? liftInterval(tallies, opts.bootstrap, opts.seed) : null,
    peirce: pod !== null && quiet > 0 ? pod - s.quietUnderWarning / quiet : null,
    warnings: grid.warnings.length,
    falseAlarms: fa,
    falseAlarmRatio: grid.warnings.length > 0 ? fa / grid.warnings.length : null,
    warningsPerAreaWeek: areaWeeks > 0 ? grid.warnings.length / areaWeeks : null,
  }
}
