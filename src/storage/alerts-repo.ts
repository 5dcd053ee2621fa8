import type { Db } from './db.js'
import type { AlertState, ChangeKind } from '../alerts/alert.js'
import { distanceKm } from '../geo.js'

interface AlertRow {
  id: number
  identity: string
  indicator_id: string
  indicator_version: number
  rule_set_version: string
  mission: string
  taxonomy: string
  top_category: string
  level: AlertState['level']
  grade: AlertState['grade']
  rank: number
  status: AlertState['status']
  status_reason: string | null
  confidence: AlertState['confidence']
  trend: number | null
  scope: string
  window_ms: number
  count: number
  facts: string
  explanation: string
  summary: string
  first_seen: number
  last_seen: number
  anchor_at: number
  raised_at: number
  updated_at: number
  expires_at: number
  seq: number
  acknowledged_by: string | null
  acknowledged_at: number | null
  resolved_by: string | null
  resolved_at: number | null
}

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

function toState(r: AlertRow): AlertState {
  return {
    id: r.id,
    identity: r.identity,
    indicatorId: r.indicator_id,
    indicatorVersion: r.indicator_version,
    ruleSetVersion: r.rule_set_version,
    mission: r.mission,
    taxonomy: JSON.parse(r.taxonomy) as string[],
    topCategory: r.top_category,
    level: r.level,
    grade: r.grade,
    rank: r.rank,
    status: r.status,
    statusReason: r.status_reason,
    confidence: r.confidence,
    trend: r.trend,
    scope: JSON.parse(r.scope) as AlertState['scope'],
    windowMs: r.window_ms,
    count: r.count,
    facts: JSON.parse(r.facts) as AlertState['facts'],
    explanation: JSON.parse(r.explanation) as AlertState['explanation'],
    summary: r.summary,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    anchorAt: r.anchor_at,
    raisedAt: r.raised_at,
    updatedAt: r.updated_at,
    expiresAt: r.expires_at,
    seq: r.seq,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
  }
}

function toRow(a: Omit<AlertState, 'id'>) {
  return {
    identity: a.identity,
    indicator_id: a.indicatorId,
    indicator_version: a.indicatorVersion,
    rule_set_version: a.ruleSetVersion,
    mission: a.mission,
    taxonomy: JSON.stringify(a.taxonomy),
    top_category: a.topCategory,
    level: a.level,
    grade: a.grade,
    rank: a.rank,
    status: a.status,
    status_reason: a.statusReason,
    confidence: a.confidence,
    trend: a.trend,
    scope: JSON.stringify(a.scope),
    admin1: a.scope.admin1 ?? null,
    admin2: a.scope.admin2 ?? null,
    route: a.scope.route ?? null,
    site: a.scope.site ?? null,
    lat: a.scope.centroid?.lat ?? a.scope.center?.lat ?? null,
    lon: a.scope.centroid?.lon ?? a.scope.center?.lon ?? null,
    window_ms: a.windowMs,
    count: a.count,
    facts: JSON.stringify(a.facts),
    explanation: JSON.stringify(a.explanation),
    summary: a.summary,
    first_seen: a.firstSeen,
    last_seen: a.lastSeen,
    anchor_at: a.anchorAt,
    raised_at: a.raisedAt,
    updated_at: a.updatedAt,
    expires_at: a.expiresAt,
    seq: a.seq,
    acknowledged_by: a.acknowledgedBy,
    acknowledged_at: a.acknowledgedAt,
    resolved_by: a.resolvedBy,
    resolved_at: a.resolvedAt,
  }
}

const ACTIVE = "status IN ('open', 'acknowledged')"

/** Alerts, their contributing inputs and their change log. Writes run in the caller's transaction. */
export function createAlertsRepo(db: Db) {
  const names = Object.keys(toRow(sampleAlert()))
  const insertStmt = db.prepare(`INSERT INTO alerts (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`)
  const updateStmt = db.prepare(`UPDATE alerts SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`)
  const getStmt = db.prepare('SELECT * FROM alerts WHERE id = ?')
  const activeByIdentity = db.prepare(`SELECT * FROM alerts WHERE identity = ? AND ${ACTIVE}`)
  const activeByPrefix = db.prepare(`SELECT * FROM alerts WHERE indicator_id = ? AND mission = ? AND ${ACTIVE} AND identity >= ? AND identity < ?`)
  const linkStmt = db.prepare('INSERT OR IGNORE INTO alert_inputs (alert_id, input_id) VALUES (?, ?)')
  const unlinkStmt = db.prepare('DELETE FROM alert_inputs WHERE input_id = ?')
  const linkedActive = db.prepare(`SELECT a.* FROM alert_inputs i JOIN alerts a ON a.id = i.alert_id WHERE i.input_id = ? AND a.${ACTIVE}`)
  const inputsOf = db.prepare('SELECT input_id FROM alert_inputs WHERE alert_id = ? ORDER BY input_id')
  const dueStmt = db.prepare(`SELECT * FROM alerts WHERE ${ACTIVE} AND expires_at <= ? ORDER BY expires_at, id`)
  const changeStmt = db.prepare(`INSERT INTO alert_changes (seq, alert_id, kind, at, actor, cause, input_ids, alert)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
  const setSeqStmt = db.prepare('UPDATE alerts SET seq = ? WHERE id = ?')
  const historyStmt = db.prepare('SELECT * FROM alert_changes WHERE alert_id = ? ORDER BY seq')
  const afterStmt = db.prepare('SELECT * FROM alert_changes WHERE seq > ? ORDER BY seq LIMIT ?')
  const allStmt = db.prepare('SELECT * FROM alerts ORDER BY id')
  const lastSeqStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'alert_changes'").pluck()
  const lastSeq = () => (lastSeqStmt.get() as number | undefined) ?? 0

  const toChange = (r: { seq: number; alert_id: number; kind: ChangeKind; at: number; actor: string | null; cause: string; input_ids: string; alert: string }): AlertChange => ({
    seq: r.seq,
    alertId: r.alert_id,
    kind: r.kind,
    at: r.at,
    actor: r.actor,
    cause: r.cause,
    inputIds: JSON.parse(r.input_ids) as string[],
    alert: JSON.parse(r.alert) as AlertState,
  })

  return {
    get(id: number): AlertState | null {
      const row = getStmt.get(id) as AlertRow | undefined
      return row ? toState(row) : null
    },

    /** Every alert, oldest first: for rule tests and replays, which hold few. */
    all(): AlertState[] {
      return (allStmt.all() as AlertRow[]).map(toState)
    },

    activeByIdentity(identity: string): AlertState | null {
      const row = activeByIdentity.get(identity) as AlertRow | undefined
      return row ? toState(row) : null
    },

    /** The active alert of an indicator, among identities starting with `prefix`, nearest within `km`. */
    activeNear(indicatorId: string, mission: string, prefix: string, lat: number, lon: number, km: number): AlertState | null {
      const rows = activeByPrefix.all(indicatorId, mission, prefix, `${prefix}\uffff`) as AlertRow[]
      let best: { d: number; a: AlertState } | null = null
      for (const row of rows) {
        const a = toState(row)
        const c = a.scope.center
        if (!c) continue
        const d = distanceKm(lat, lon, c.lat, c.lon)
        if (d <= km && (!best || d < best.d)) best = { d, a }
      }
      return best?.a ?? null
    },

    insert(alert: Omit<AlertState, 'id'>): number {
      return Number(insertStmt.run(toRow(alert)).lastInsertRowid)
    },

    update(alert: AlertState) {
      updateStmt.run({ ...toRow(alert), id: alert.id })
    },

    link(alertId: number, inputIds: readonly string[]) {
      for (const id of inputIds) linkStmt.run(alertId, id)
    },

    /** Forgets an input's links; returns the active alerts it supported, before forgetting. */
    unlink(inputId: string): AlertState[] {
      const alerts = (linkedActive.all(inputId) as AlertRow[]).map(toState)
      unlinkStmt.run(inputId)
      return alerts
    },

    inputIds(alertId: number): string[] {
      return inputsOf.pluck().all(alertId) as string[]
    },

    dueForExpiry(now: number): AlertState[] {
      return (dueStmt.all(now) as AlertRow[]).map(toState)
    },

    /** Appends a change and stamps its sequence number on the alert; returns the change. */
    recordChange(alert: AlertState, kind: ChangeKind, at: number, actor: string | null, cause: string, inputIds: readonly string[]): AlertChange {
      // The only writer numbers changes itself, so the snapshot can carry its own sequence number.
      const seq = lastSeq() + 1
      const stamped = { ...alert, seq }
      changeStmt.run(seq, alert.id, kind, at, actor, cause, JSON.stringify(inputIds), JSON.stringify(stamped))
      setSeqStmt.run(seq, alert.id)
      return { seq, alertId: alert.id, kind, at, actor, cause, inputIds: [...inputIds], alert: stamped }
    },

    history(alertId: number): AlertChange[] {
      return (historyStmt.all(alertId) as Parameters<typeof toChange>[0][]).map(toChange)
    },

    changesAfter(seq: number, limit: number): AlertChange[] {
      return (afterStmt.all(seq, limit) as Parameters<typeof toChange>[0][]).map(toChange)
    },

    lastSeq,
  }
}

/** A placeholder alert, used only to list the column names once. */
function sampleAlert(): Omit<AlertState, 'id'> {
  return {
    identity: '', indicatorId: '', indicatorVersion: 0, ruleSetVersion: '', mission: '', taxonomy: [], topCategory: '',
    level: 'tactical', grade: 'low', rank: 0, status: 'open', statusReason: null, confidence: 'low', trend: null,
    scope: { mission: '', groupBy: {} }, windowMs: 0, count: 0, facts: {}, explanation: {}, summary: '',
    firstSeen: 0, lastSeen: 0, anchorAt: 0, raisedAt: 0, updatedAt: 0, expiresAt: 0, seq: 0,
    acknowledgedBy: null, acknowledgedAt: null, resolvedBy: null, resolvedAt: null,
  }
}

export type AlertsRepo = ReturnType<typeof createAlertsRepo>
