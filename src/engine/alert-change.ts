import type { AlertState, ChangeKind } from '../alerts/alert.js'

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
