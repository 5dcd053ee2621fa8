import { placeLabel } from '../alerts/place-label.js'
import { GRADES } from '../alerts/levels.js'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import type { BriefsRepo } from '../storage/briefs-repo.js'
import type { BriefSchedule } from '../notify/routing-schema.js'
import { briefMarkdown, type BriefData } from './brief-content.js'
import { periodOf } from './brief-schedule.js'
import { reportFigures } from './brief-figures.js'

const iso = (t: number) => new Date(t).toISOString()

/**
 * Makes the brief due at `due` from the database as it stands: the alerts live in the period and
 * in the one before, the changes of the period, and the casualties of its reports. Run in a write
 * job; returns the stored brief's id, or null when it was made already.
 */
export function makeBrief(deps: { alerts: AlertsRepo; briefs: BriefsRepo }, b: BriefSchedule, due: number, now: number) {
  const { from, to } = periodOf(b, due)
  const span = to - from
  const missions = b.mission === 'HQ' ? null : [b.mission]
  const scope = missions ? { missions } : {}
  const current = deps.alerts.summary({ ...scope, from, to })
  const previous = deps.alerts.summary({ ...scope, from: from - span, to: from })
  const active = current.open.filter((a) => a.status === 'open' || a.status === 'acknowledged')
  const byArea: Record<string, number> = {}
  for (const a of active) {
    const area = a.scope.admin1 ?? a.mission
    byArea[area] = (byArea[area] ?? 0) + 1
  }
  const { open: _open, ...counts } = current
  const { open: _prevOpen, ...previousCounts } = previous
  const data: BriefData = {
    mission: b.mission, every: b.every, from: iso(from), to: iso(to), counts, previous: previousCounts,
    changes: deps.briefs.changesByKind(missions, from, to),
    open: active.sort((x, y) => y.rank - x.rank || GRADES.indexOf(y.grade) - GRADES.indexOf(x.grade)).map((a) => ({
      id: a.id, level: a.level, grade: a.grade, status: a.status, indicator: a.indicatorId,
      area: placeLabel(a.scope) || a.mission, summary: a.summary,
    })),
    byArea,
    casualties: deps.briefs.casualties(missions, from, to),
    previousCasualties: deps.briefs.casualties(missions, from - span, from),
    figures: reportFigures(deps.briefs.reports(missions, from, to)),
  }
  const markdown = briefMarkdown(data)
  const id = deps.briefs.insert({ mission: b.mission, every: b.every, dueAt: due, from, to, producedAt: now, markdown, data })
  return id === null ? null : { id, data, markdown }
}
