import type { AlertState } from './alert.js'
import type { AlertChange } from '../storage/alerts-repo.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** An alert as the API shows it: times as ISO 8601, the window in hours. */
export function presentAlert(a: AlertState, inputIds?: string[]) {
  return {
    id: a.id,
    identity: a.identity,
    indicator: { id: a.indicatorId, version: a.indicatorVersion },
    ruleSetVersion: a.ruleSetVersion,
    mission: a.mission,
    taxonomy: a.taxonomy,
    topCategory: a.topCategory,
    level: a.level,
    grade: a.grade,
    confidence: a.confidence,
    trend: a.trend,
    status: a.status,
    statusReason: a.statusReason,
    silenced: a.silenced,
    inhibited: a.inhibited,
    scope: a.scope,
    windowHours: a.windowMs / 3_600_000,
    count: a.count,
    facts: a.facts,
    summary: a.summary,
    explanation: a.explanation,
    firstSeen: iso(a.firstSeen),
    lastSeen: iso(a.lastSeen),
    raisedAt: iso(a.raisedAt),
    updatedAt: iso(a.updatedAt),
    expiresAt: iso(a.expiresAt),
    acknowledged: a.acknowledgedBy ? { by: a.acknowledgedBy, at: iso(a.acknowledgedAt) } : null,
    resolved: a.resolvedBy ? { by: a.resolvedBy, at: iso(a.resolvedAt) } : null,
    ...presentFollowUp(a),
    seq: a.seq,
    ...(inputIds ? { inputs: inputIds } : {}),
  }
}

/** The response with its deadlines, the overdue badge, the owner and the disposition (issue 18). */
export function presentFollowUp(a: AlertState) {
  const r = a.response
  return {
    response: r ? {
      actions: r.actions, responsible: r.responsible, acknowledgeWithin: r.acknowledgeWithin, actWithin: r.actWithin,
      references: r.references, defaulted: r.defaulted, since: iso(r.since), acknowledgeBy: iso(r.acknowledgeBy), actBy: iso(r.actBy),
    } : null,
    overdue: a.overdue ?? { acknowledge: false, act: false },
    assignee: a.assignee ? { ...a.assignee, at: iso(a.assignee.at) } : null,
    lastActionAt: iso(a.lastActionAt ?? null),
    disposition: a.disposition ?? null,
  }
}

/** One change of the poll feed or of an alert's history. */
export function presentChange(c: AlertChange) {
  return {
    seq: c.seq,
    kind: c.kind,
    at: iso(c.at),
    actor: c.actor,
    cause: c.cause,
    inputs: c.inputIds,
    alert: presentAlert(c.alert),
  }
}
