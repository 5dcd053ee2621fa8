import fs from 'node:fs'
import path from 'node:path'
import type { BacktestResult, BacktestSummary } from './backtest-run.js'
import { fixed, levelTable, markdownTable as table, pct } from './level-table.js'
import { renderTimeline } from './timeline.js'
import { skillHeading, skillTable } from './skill-table.js'

/**
 * The backtest's outputs: summary.json (everything, for scripts), report.md (the tables, for
 * the issue and the README), timeline.html (a picture of the alerts and the fatal incidents)
 * and changes.ndjson (every alert change the replay recorded).
 */

function indicatorTable(s: BacktestSummary): string {
  return table(
    ['indicator', 'warnings', 'detected', 'time under warning', 'lift', 'false-alarm ratio'],
    s.indicators.map((i) => [i.indicatorId, String(i.warnings), String(i.detected), pct(i.timeUnderWarning), fixed(i.lift), pct(i.falseAlarmRatio)]),
  )
}

function incidentTable(s: BacktestSummary): string {
  const byDate = new Map<string, Record<string, number | null>>()
  for (const l of s.levels) {
    for (const i of l.perIncident) byDate.set(i.date, { ...(byDate.get(i.date) ?? {}), [l.key]: i.leadDays, fatalities: i.fatalities })
  }
  const lead = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${v} d`)
  return table(
    ['date', 'fatalities', ...s.levels.map((l) => `${l.label} lead`)],
    [...byDate.entries()].map(([date, r]) => [date, String(r.fatalities), ...s.levels.map((l) => lead(r[l.key]))]),
  )
}

const DEFINITIONS = (falseAlarmDays: number) => `Definitions (days are UTC calendar days):

- A **warning** is an alert active at that level, from when it reached the level to when it left
  active status (expired, resolved, withdrawn) or the level; still-active warnings end with the period.
- A day is **under warning** when a warning raised on an earlier day is active at its 00:00.
- **Probability of detection**: share of fatal incidents (days with malicious-act fatalities) that
  fell on a day under warning, i.e. with a warning active and raised at least one day before.
- **Lead time**: incident date minus the raise date of the earliest such warning.
- **Time under warning**: share of the period's days under warning.
- **Lift**: probability of detection / time under warning (1.0 = no better than chance).
- **False-alarm ratio**: share of warnings raised in the period that saw no fatal incident while
  active or in the ${falseAlarmDays} days after.`

const SKILL_DEFINITIONS = `Skill against baselines (area-steps are admin1-days or admin1-weeks; mission-wide, the mission is the one area):

- **POD**: outcome area-steps under a warning raised at least a day before; **FAR**: warnings (one alert
  in one area) that saw no outcome of their area on a day they covered.
- **Lift** = POD / time under warning, with its 95% interval by bootstrap over days (or weeks).
- **Skill vs persistence** = lift / the lift of "warn N days after any outcome of the class in the
  area" (N chosen on the training period by Peirce); above 1 beats the rule of thumb.
- **Peirce** (Hanssen-Kuipers) = POD - share of outcome-free area-steps under warning.
- **p (random)**: share of ${'`'}draws${'`'} of chance (each area's warning days shifted at random, the time
  under warning per area kept) detecting as many outcomes or more.
- No outcome counts as predicted by its own report: a warning must be raised on an earlier day.`

function skillSection(s: BacktestSummary): string[] {
  if (s.skill.length === 0) return []
  return [
    `## Skill against baselines (${s.scoredLevel} or higher)`, '',
    ...s.skill.flatMap((c) => [skillHeading(c), '', skillTable(c), '']),
    SKILL_DEFINITIONS, '',
  ]
}

/** report.md: what was run, the tables, and what the numbers mean. */
export function renderReportMd(s: BacktestSummary): string {
  const r = s.reports
  const parts = [
    `# Backtest${s.mission ? ` ${s.mission}` : ''}, ${s.period.from} to ${s.period.to}`,
    '',
    `- Reports: ${r.source} (${r.kind}): ${r.read === null ? '' : `${r.read} read, `}${r.replayed} replayed (from ${s.warmupFrom}, the days before ${s.period.from} as warm-up, unscored), ${r.rejected} rejected`,
    `- Rules: ${s.rules.dir}, ${s.rules.indicators} indicators, version ${s.rules.version}`,
    s.outcomes
      ? `- Outcomes: ${s.outcomes.file}: ${s.outcomes.incidents} fatal incidents (${s.outcomes.fatalities} malicious-act fatalities) in the period`
      : '- Outcomes: none given (no detection or false-alarm figures)',
    `- Alerts: ${s.alerts.raised} raised in the period, ${s.alerts.changes} changes recorded`,
    `- Replay: ${s.timings.replaySeconds.toFixed(1)} s (${s.timings.reportsPerSecond} reports/s); reading ${s.timings.loadSeconds.toFixed(1)} s`,
    '',
    '## By level',
    '',
    levelTable(s.levels),
    '',
    DEFINITIONS(s.falseAlarmDays),
    '',
    ...skillSection(s),
    '## By indicator (any level)',
    '',
    s.indicators.length > 0 ? indicatorTable(s) : 'No indicator raised an alert.',
  ]
  if (s.outcomes) parts.push('', '## Fatal incidents', '', incidentTable(s))
  if (r.rejections.length > 0) {
    parts.push('', '## Rejected reports', '', table(['reason', 'rows', 'first rows'], r.rejections.map((g) => [g.reason, String(g.count), g.examples.map((e) => e.ref).join(', ')])))
  }
  return `${parts.join('\n')}\n`
}

/** Writes every output into `dir` (created); returns the files written. */
export function writeBacktestOutputs(dir: string, result: BacktestResult): string[] {
  fs.mkdirSync(dir, { recursive: true })
  const files = {
    'summary.json': `${JSON.stringify(result.summary, null, 2)}\n`,
    'report.md': renderReportMd(result.summary),
    'timeline.html': renderTimeline(result),
    'changes.ndjson': result.changes.map((c) => JSON.stringify({
      seq: c.seq, at: new Date(c.at).toISOString(), kind: c.kind, alertId: c.alertId, indicatorId: c.indicatorId,
      level: c.level, grade: c.grade, status: c.status, identity: c.identity, cause: c.cause,
      inputIds: c.inputIds, summary: c.summary,
    })).join('\n') + (result.changes.length > 0 ? '\n' : ''),
  }
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    return file
  })
}
