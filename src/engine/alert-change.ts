import type { AlertScope, AlertState, ChangeKind } from '../alerts/alert.js'

/** One recorded change of an alert, with the alert as it stood after it. */
export interface AlertChange {
  seq: number
  alertId: number
  kind: ChangeKind
  at: number
  actor: string | null
  cause: string
  inputIds: string[]
  alert: AlertState
}

/**
 * One alert change as a replay keeps it: the change and what a reader of the alert saw (level,
 * status, sentence, where), without a copy of the whole alert. A replay records a change per
 * report or more, so a full snapshot each made the heap grow with the history.
 */
export interface ChangeRecord extends Omit<AlertChange, 'alert'> {
  indicatorId: string
  mission: string
  identity: string
  level: AlertState['level']
  grade: AlertState['grade']
  status: AlertState['status']
  summary: string
  /** The alert's scope after the change (shared with the alert, not copied). */
  scope: AlertScope
}

/** A change record with the whole alert as it stood after the change (asked for: the equivalence tests read it). */
export type SnapshotChange = ChangeRecord & { alert: AlertState }

export function changeRecord(c: AlertChange): ChangeRecord {
  const a = c.alert
  return {
    seq: c.seq, alertId: c.alertId, kind: c.kind, at: c.at, actor: c.actor, cause: c.cause, inputIds: c.inputIds,
    indicatorId: a.indicatorId, mission: a.mission, identity: a.identity, level: a.level, grade: a.grade, status: a.status,
    summary: a.summary, scope: a.scope,
  }
}

/** What evaluation made of one report change, as the ingest answer lists it (ingest's AlertChangeSummary). */
export interface AlertChangeSummary {
  alertId: number
  seq: number
  kind: string
  indicatorId: string
  level: string
  grade: string
  status: string
}
