import type { Period } from './scoring.js'
import type { AreaSpell } from './area-spells.js'
import { buildGrid, type OutcomeEvent } from './area-grid.js'
import { scoreGrid, type AreaScore, type Scale } from './area-score.js'
import { choosePersistenceDays, persistenceSpells } from './persistence-baseline.js'
import { randomBaseline, type RandomBaseline } from './random-baseline.js'

/**
 * The warnings scored against each outcome class with the baselines beside them: by area
 * (admin1-day and admin1-week) when the outcomes have places, and mission-wide (day, week);
 * over the training and the validation period when split, else the whole period (persistence's
 * N is then chosen on the period it is scored on, which flatters persistence: say so). Pure.
 */

/** The one "area" of mission-wide scoring. */
export const MISSION = 'mission'

export interface OutcomeClass {
  key: string
  label: string
  events: OutcomeEvent[]
}

export interface SkillRow {
  scale: Scale
  rules: AreaScore
  persistence: AreaScore & { days: number }
  /** Day scale only: chance with the same time under warning per area. */
  random: RandomBaseline | null
  /** The warnings' lift / persistence's lift. */
  skill: number | null
}

export interface NamedPeriod {
  name: 'training' | 'validation' | 'whole'
  period: Period
}

export interface ScoredPeriod extends NamedPeriod {
  byArea: SkillRow[] | null
  missionWide: SkillRow[]
}

export interface OutcomeClassResult {
  key: string
  label: string
  /** Outcome events in the scored periods, and how many of them have an area. */
  events: number
  placed: number
  persistenceDays: { byArea: number | null; missionWide: number }
  periods: ScoredPeriod[]
}

export interface SkillInput {
  /** The warnings per (alert, area), and per alert for mission-wide scoring. */
  areaSpells: readonly AreaSpell[]
  missionSpells: readonly AreaSpell[]
  /** The areas scored (the mission's admin1 P-codes). */
  areas: readonly string[]
  classes: readonly OutcomeClass[]
  periods: readonly NamedPeriod[]
  /** Where persistence's N is chosen. */
  training: Period
  draws: number
  bootstrap: number
  seed: number
}

function row(areas: readonly string[], period: Period, spells: readonly AreaSpell[], events: readonly OutcomeEvent[], days: number, scale: Scale, input: SkillInput): SkillRow {
  const grid = buildGrid(areas, period, spells, events)
  const opts = { bootstrap: input.bootstrap, seed: input.seed }
  const rules = scoreGrid(grid, scale, opts)
  const persistence = { ...scoreGrid(buildGrid(areas, period, persistenceSpells(events, days), events), scale, opts), days }
  return {
    scale, rules, persistence,
    random: scale === 'day' ? randomBaseline(grid, input.draws, input.seed) : null,
    skill: rules.lift !== null && persistence.lift ? rules.lift / persistence.lift : null,
  }
}

const SCALES: readonly Scale[] = ['day', 'week']

export function scoreSkill(input: SkillInput): OutcomeClassResult[] {
  return input.classes.map((c) => {
    const placed = c.events.filter((e) => e.area !== null)
    const mission = c.events.map((e) => ({ ...e, area: MISSION }))
    const located = placed.length > 0 && input.areas.length > 0
    const areaDays = located ? choosePersistenceDays(input.areas, input.training, placed) : null
    const missionDays = choosePersistenceDays([MISSION], input.training, mission)
    const inScored = (e: OutcomeEvent) => input.periods.some((p) => e.day >= p.period.from && e.day < p.period.to)
    return {
      key: c.key, label: c.label,
      events: c.events.filter(inScored).length,
      placed: placed.filter(inScored).length,
      persistenceDays: { byArea: areaDays, missionWide: missionDays },
      periods: input.periods.map((p) => ({
        ...p,
        byArea: areaDays === null ? null : SCALES.map((s) => row(input.areas, p.period, input.areaSpells, placed, areaDays, s, input)),
        missionWide: SCALES.map((s) => row([MISSION], p.period, input.missionSpells, mission, missionDays, s, input)),
      })),
    }
  })
}
