import { fixed, markdownTable, pct } from './level-table.js'
import type { AreaScore } from './area-score.js'
import type { OutcomeClassResult, ScoredPeriod, SkillRow } from './skill-scoring.js'

/** The skill tables: per outcome class, the warnings with persistence and chance beside them. */

export const SKILL_TABLE_HEADER = [
  'period', 'where', 'step', 'warned by', 'outcomes', 'detected', 'POD', 'FAR', 'lead, days (median)', 'under warning',
  'lift (95% CI)', 'skill vs persistence', 'Peirce', 'warnings / area-week', 'p (random)',
] as const

const num = (x: number | null, digits = 2) => fixed(x, digits)
const lead = (s: AreaScore) => (s.leadTimeDays ? String(s.leadTimeDays.median) : s.scale === 'day' ? 'n/a' : '-')
const lift = (s: AreaScore) => `${num(s.lift)}${s.liftInterval ? ` (${num(s.liftInterval[0])}-${num(s.liftInterval[1])})` : ''}`

function rows(p: ScoredPeriod, where: string, r: SkillRow): string[][] {
  const head = [`${p.name} ${isoDay(p.period.from)}..${isoDay(p.period.to - 86_400_000)}`, where, r.scale]
  const score = (by: string, s: AreaScore, skill: string, pValue: string) => [
    ...head, by, String(s.outcomes), String(s.detected), pct(s.probabilityOfDetection), pct(s.falseAlarmRatio), lead(s),
    pct(s.timeUnderWarning), lift(s), skill, num(s.peirce), num(s.warningsPerAreaWeek, 3), pValue,
  ]
  const out = [
    score('rules', r.rules, num(r.skill), r.random ? r.random.pValue.toFixed(3) : '-'),
    score(`persistence ${r.persistence.days} d`, r.persistence, '1.00', '-'),
  ]
  if (r.random) {
    const rnd = r.random
    out.push([...head, `random (${rnd.draws} draws)`, String(r.rules.outcomes), rnd.meanDetected.toFixed(1), pct(rnd.probabilityOfDetection),
      '-', '-', pct(r.rules.timeUnderWarning), rnd.probabilityOfDetection !== null && r.rules.timeUnderWarning ? num(rnd.probabilityOfDetection / r.rules.timeUnderWarning) : 'n/a', '-', '-', '-', '-'])
  }
  return out
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)

export function skillTable(c: OutcomeClassResult): string {
  const body = c.periods.flatMap((p) => [
    ...(p.byArea ?? []).flatMap((r) => rows(p, 'by admin1', r)),
    ...p.missionWide.flatMap((r) => rows(p, 'mission-wide', r)),
  ])
  return markdownTable(SKILL_TABLE_HEADER, body)
}

/** The heading line of a class: what it is and how many outcomes it has. */
export function skillHeading(c: OutcomeClassResult): string {
  const n = c.persistenceDays
  return `Outcomes: ${c.label}: ${c.events} in the scored period${c.placed !== c.events ? ` (${c.placed} placed in an admin1)` : ''}; `
    + `persistence N chosen on the training period by Peirce: ${n.byArea === null ? '' : `${n.byArea} d by admin1, `}${n.missionWide} d mission-wide`
}
