import type { Db } from './db.js'
import type { ActionOutcome, AlertAction } from '../alerts/alert-action.js'

interface ActionRow {
  id: number
  alert_id: number
  action: string
  unit: string
  started_at: number
  ended_at: number | null
  outcome: ActionOutcome
  reason: string | null
  recorded_by: string
  recorded_at: number
  seq: number
}

const toAction = (r: ActionRow): AlertAction => ({
  id: r.id, alertId: r.alert_id, action: r.action, unit: r.unit, startedAt: r.started_at, endedAt: r.ended_at,
  outcome: r.outcome, reason: r.reason, recordedBy: r.recorded_by, recordedAt: r.recorded_at, seq: r.seq,
})

/** The action log of alerts. Writes run in the caller's (the alert's) transaction. */
export function createAlertActionsRepo(db: Db) {
  const insertStmt = db.prepare(`INSERT INTO alert_actions (alert_id, action, unit, started_at, ended_at, outcome, reason, recorded_by, recorded_at, seq)
    VALUES (@alertId, @action, @unit, @startedAt, @endedAt, @outcome, @reason, @recordedBy, @recordedAt, @seq)`)
  const getStmt = db.prepare('SELECT * FROM alert_actions WHERE id = ?')
  const listStmt = db.prepare('SELECT * FROM alert_actions WHERE alert_id = ? ORDER BY started_at, id')
  return {
    insert(a: Omit<AlertAction, 'id'>): AlertAction {
      const id = Number(insertStmt.run(a).lastInsertRowid)
      return toAction(getStmt.get(id) as ActionRow)
    },
    list(alertId: number): AlertAction[] {
      return (listStmt.all(alertId) as ActionRow[]).map(toAction)
    },
  }
}

export type AlertActionsRepo = ReturnType<typeof createAlertActionsRepo>
