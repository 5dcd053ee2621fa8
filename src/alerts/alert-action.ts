/** What was done about an alert, as its log records it. Declined and not-possible are first-class. */
export const ACTION_OUTCOMES = ['done', 'partly', 'not-possible', 'declined'] as const
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number]
/** Outcomes that say nothing was done: the audit wants the reason on record. */
export const OUTCOMES_NEEDING_REASON: readonly ActionOutcome[] = ['not-possible', 'declined']

export interface AlertAction {
  id: number
  alertId: number
  action: string
  unit: string
  startedAt: number
  endedAt: number | null
  outcome: ActionOutcome
  reason: string | null
  recordedBy: string
  recordedAt: number
  /** The alert change that recorded it. */
  seq: number
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function presentAction(a: AlertAction) {
  return {
    id: a.id, alertId: a.alertId, action: a.action, unit: a.unit, startedAt: iso(a.startedAt), endedAt: iso(a.endedAt),
    outcome: a.outcome, reason: a.reason, recordedBy: a.recordedBy, recordedAt: iso(a.recordedAt), seq: a.seq,
  }
}
