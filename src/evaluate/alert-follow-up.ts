import { isActive, type AlertState, type ChangeKind } from '../alerts/alert.js'
import { resolveResponse, startResponse } from '../alerts/response.js'
import type { RuleSet } from '../rules/rule-set.js'

/** Changes that put an alert on another threshold: its response, and its deadlines, start again. */
const NEW_THRESHOLD: readonly ChangeKind[] = ['raised', 'escalated', 'downgraded']

/**
 * The response an alert carries after a change: the current threshold's, from the rule set of
 * the change, whenever the threshold changes (or an alert stored before responses existed is
 * still live). Thresholds are found by level and grade, which is what makes one outrank another.
 */
export function followUpOnSave(set: RuleSet, a: AlertState, kind: ChangeKind, now: number): Partial<AlertState> {
  if (!NEW_THRESHOLD.includes(kind) && (a.response || !isActive(a.status))) return {}
  const threshold = set.byId(a.indicatorId)?.rule.alerts.find((t) => t.level === a.level && t.grade === a.grade)
  return {
    response: startResponse(resolveResponse(threshold?.response, a.level, a.grade), now),
    overdue: { acknowledge: false, act: false },
  }
}

/** What is overdue on an alert at `now`, and why; null when nothing newly is. */
export function overdueNow(a: AlertState, now: number): { overdue: { acknowledge: boolean; act: boolean }; cause: string } | null {
  const r = a.response
  if (!r || !isActive(a.status)) return null
  const was = a.overdue ?? { acknowledge: false, act: false }
  const acted = a.lastActionAt !== null && a.lastActionAt !== undefined && a.lastActionAt >= r.since
  const acknowledge = was.acknowledge || (a.status === 'open' && r.acknowledgeBy <= now)
  const act = was.act || (!acted && r.actBy <= now)
  const why = [
    ...(acknowledge && !was.acknowledge ? [`not acknowledged within ${r.acknowledgeWithin}`] : []),
    ...(act && !was.act ? [`no action recorded within ${r.actWithin}`] : []),
  ]
  return why.length === 0 ? null : { overdue: { acknowledge, act }, cause: `${why.join('; ')} (${r.responsible})` }
}
