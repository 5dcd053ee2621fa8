import type { Statement } from 'better-sqlite3'
import { dataVersionOf, type Db } from './db.js'
import type { AlertState, AlertStatus, ChangeKind, Disposition } from '../alerts/alert.js'
import type { AlertChange } from '../engine/alert-change.js'
import { inhibits, type InhibitionView } from '../alerts/inhibition.js'
import { GRADES, type Grade, type Level } from '../alerts/levels.js'
import { distanceKm } from '../geo.js'
import { countAlerts } from '../alerts/alert-summary.js'
import { areaKeys, areaMatchSql, touchesAny } from '../reports/report-place.js'
import { encodeSnapshot, keyframeWriter, snapshotDecoder } from './alert-change-codec.js'

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
  silenced: number
  inhibited: number
  acknowledged_by: string | null
  acknowledged_at: number | null
  resolved_by: string | null
  resolved_at: number | null
  response: string | null
  ack_due: number | null
  act_due: number | null
  response_since: number | null
  overdue_ack: number
  overdue_act: number
  assignee: string | null
  last_action_at: number | null
  disposition: Disposition | null
  disposition_note: string | null
}

export type { AlertChange }

/** What a poller asks for. Silenced and inhibited alerts are left out unless asked for. */
export interface ChangeFilter {
  /** The missions the caller may see (access scope); undefined = all. */
  missions?: readonly string[]
  mission?: string
  level?: Level
  minGrade?: Grade
  status?: AlertStatus
  /** A taxonomy code or top code: alerts watching it or anything under it. */
  taxonomy?: string
  /** An admin1 area by canonical name or P-code: alerts with any input inside it. */
  admin1?: string
  /** An admin2 area by canonical name or P-code. */
  admin2?: string
  /** The areas an area-scoped key may see: alerts touching any of them. */
  areas?: readonly string[]
  indicator?: string
  silenced?: 'exclude' | 'include' | 'only'
  inhibited?: 'exclude' | 'include' | 'only'
}

type ChangeRow = { seq: number; alert_id: number; kind: ChangeKind; at: number; actor: string | null; cause: string; input_ids: string; alert: string | Buffer; base: number | null }

/** The WHERE clause of a filtered poll over the change log, with its values. */
export function changeWhere(f: ChangeFilter): { sql: string; params: unknown[] } {
  const where: string[] = []
  const params: unknown[] = []
  const eq = (col: string, v: unknown) => { where.push(`${col} = ?`); params.push(v) }
  if (f.missions) {
    where.push(`mission IN (${f.missions.map(() => '?').join(',') || 'NULL'})`)
    params.push(...f.missions)
  }
  if (f.mission) eq('mission', f.mission)
  if (f.level) eq('level', f.level)
  if (f.minGrade) { where.push('grade_rank >= ?'); params.push(GRADES.indexOf(f.minGrade)) }
  if (f.status) eq('status', f.status)
  if (f.admin1) { where.push(areaMatchSql('areas', 1)); params.push(f.admin1) }
  if (f.admin2) { where.push(areaMatchSql('areas', 2)); params.push(f.admin2) }
  if (f.areas) {
    where.push(`(${f.areas.map(() => areaMatchSql('areas')).join(' OR ') || '0'})`)
    for (const a of f.areas) params.push(a, a)
  }
  if (f.indicator) eq('indicator_id', f.indicator)
  if (f.taxonomy) {
    where.push("(top_category = ? OR EXISTS (SELECT 1 FROM json_each(taxonomy) WHERE value = ? OR value LIKE ? || '.%'))")
    params.push(f.taxonomy, f.taxonomy, f.taxonomy)
  }
  for (const flag of ['silenced', 'inhibited'] as const) {
    const mode = f[flag] ?? 'exclude'
    if (mode !== 'include') where.push(`${flag} = ${mode === 'only' ? 1 : 0}`)
  }
  return { sql: where.length > 0 ? where.join(' AND ') : '1', params }
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
    silenced: r.silenced === 1,
    inhibited: r.inhibited === 1,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    ...followUpOf(r),
  }
}

/** The follow-up fields of a row (issue 18). */
function followUpOf(r: AlertRow): Pick<AlertState, 'response' | 'overdue' | 'assignee' | 'lastActionAt' | 'disposition'> {
  return {
    response: r.response === null ? null : JSON.parse(r.response) as AlertState['response'],
    overdue: { acknowledge: r.overdue_ack === 1, act: r.overdue_act === 1 },
    assignee: r.assignee === null ? null : JSON.parse(r.assignee) as AlertState['assignee'],
    lastActionAt: r.last_action_at,
    disposition: r.disposition === null ? null : { value: r.disposition, note: r.disposition_note },
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
    areas: areaKeys(a.scope.areas),
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
    silenced: a.silenced ? 1 : 0,
    inhibited: a.inhibited ? 1 : 0,
    acknowledged_by: a.acknowledgedBy,
    acknowledged_at: a.acknowledgedAt,
    resolved_by: a.resolvedBy,
    resolved_at: a.resolvedAt,
    response: a.response ? JSON.stringify(a.response) : null,
    ack_due: a.response?.acknowledgeBy ?? null,
    act_due: a.response?.actBy ?? null,
    response_since: a.response?.since ?? null,
    overdue_ack: a.overdue?.acknowledge ? 1 : 0,
    overdue_act: a.overdue?.act ? 1 : 0,
    assignee: a.assignee ? JSON.stringify(a.assignee) : null,
    last_action_at: a.lastActionAt ?? null,
    disposition: a.disposition?.value ?? null,
    disposition_note: a.disposition?.note ?? null,
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
  const linkStmt = db.prepare('INSERT OR IGNORE INTO alert_inputs (alert_id, input_id) VALUES (?, ?)')
  const unlinkStmt = db.prepare('DELETE FROM alert_inputs WHERE input_id = ?')
  const linkedActive = db.prepare(`SELECT a.* FROM alert_inputs i JOIN alerts a ON a.id = i.alert_id WHERE i.input_id = ? AND a.${ACTIVE}`)
  const inputsOf = db.prepare('SELECT input_id FROM alert_inputs WHERE alert_id = ? ORDER BY input_id')
  const dueStmt = db.prepare(`SELECT * FROM alerts WHERE ${ACTIVE} AND expires_at <= ? ORDER BY expires_at, id`)
  // Two index range scans (alerts_ack_due, alerts_act_due): a sweep with nothing due reads nothing.
  const overdueStmt = db.prepare(`SELECT * FROM alerts WHERE id IN (
      SELECT id FROM alerts WHERE status = 'open' AND overdue_ack = 0 AND ack_due <= @now
      UNION SELECT id FROM alerts WHERE ${ACTIVE} AND overdue_act = 0 AND act_due <= @now
        AND (last_action_at IS NULL OR last_action_at < response_since)) ORDER BY id`)
  const changeStmt = db.prepare(`INSERT INTO alert_changes (seq, alert_id, kind, at, actor, cause, input_ids, alert, base,
    mission, indicator_id, level, grade_rank, status, top_category, taxonomy, admin1, areas, silenced, inhibited)
    VALUES (@seq, @alertId, @kind, @at, @actor, @cause, @inputIds, @alert, @base,
    @mission, @indicatorId, @level, @gradeRank, @status, @topCategory, @taxonomy, @admin1, @areas, @silenced, @inhibited)`)
  const setSeqStmt = db.prepare('UPDATE alerts SET seq = ? WHERE id = ?')
  const historyStmt = db.prepare('SELECT * FROM alert_changes WHERE alert_id = ? ORDER BY seq')
  const allStmt = db.prepare('SELECT * FROM alerts ORDER BY id')
  // Only the columns inhibition reads: this runs on every alert write.
  const aboveStmt = db.prepare(`SELECT id, status, mission, top_category, level, grade, scope FROM alerts
    WHERE mission = ? AND top_category = ? AND ${ACTIVE} AND rank >= ?`)
  const familyStmt = db.prepare(`SELECT id, status, mission, top_category, level, grade, scope, rank, inhibited FROM alerts
    WHERE mission = ? AND top_category = ? AND ${ACTIVE}`)
  const centresStmt = db.prepare(`SELECT id, scope FROM alerts WHERE indicator_id = ? AND mission = ? AND ${ACTIVE} AND identity >= ? AND identity < ?`)
  const activeStmt = db.prepare(`SELECT * FROM alerts WHERE ${ACTIVE} ORDER BY id`)
  const countStmt = db.prepare('SELECT level, grade, status, count(*) AS count FROM alerts GROUP BY level, grade, status')
  const periodStmt = db.prepare(`SELECT * FROM alerts WHERE (@missions IS NULL OR mission IN (SELECT value FROM json_each(@missions)))
    AND raised_at <= @to AND (${ACTIVE} OR updated_at >= @from) ORDER BY rank DESC, id`)
  const lastSeqStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'alert_changes'").pluck()
  const lastSeq = () => (lastSeqStmt.get() as number | undefined) ?? 0

  const filtered = new Map<string, Statement>()
  const keyframes = keyframeWriter(db)
  const decoder = snapshotDecoder(db)
  /** Change rows as changes; one decoder per read, so each keyframe is read once. */
  const toChanges = (rows: ChangeRow[]): AlertChange[] => {
    const snapshot = decoder()
    return rows.map((r) => ({
      seq: r.seq,
      alertId: r.alert_id,
      kind: r.kind,
      at: r.at,
      actor: r.actor,
      cause: r.cause,
      inputIds: JSON.parse(r.input_ids) as string[],
      alert: snapshot(r),
    }))
  }

  return {
    get(id: number): AlertState | null {
      const row = getStmt.get(id) as AlertRow | undefined
      return row ? toState(row) : null
    },

    /** Every alert, oldest first: for rule tests and replays, which hold few. */
    all(): AlertState[] {
      return (allStmt.all() as AlertRow[]).map(toState)
    },

    /** Active alerts of a family at or above a rank: the only ones that can inhibit below it. */
    activeAbove(mission: string, topCategory: string, minRank: number): InhibitionView[] {
      return (aboveStmt.all(mission, topCategory, minRank) as Pick<AlertRow, 'id' | 'status' | 'mission' | 'top_category' | 'level' | 'grade' | 'scope'>[])
        .map((r) => ({ id: r.id, status: r.status, mission: r.mission, topCategory: r.top_category, level: r.level, grade: r.grade, scope: JSON.parse(r.scope) as AlertState['scope'] }))
    },

    /** Every active alert of a family as inhibition sees it, with its rank and flag: for re-flagging. */
    activeFamily(mission: string, topCategory: string): (InhibitionView & { rank: number; inhibited: boolean })[] {
      return (familyStmt.all(mission, topCategory) as (Pick<AlertRow, 'id' | 'status' | 'mission' | 'top_category' | 'level' | 'grade' | 'scope' | 'rank' | 'inhibited'>)[])
        .map((r) => ({
          id: r.id, status: r.status, mission: r.mission, topCategory: r.top_category, level: r.level, grade: r.grade,
          scope: JSON.parse(r.scope) as AlertState['scope'], rank: r.rank, inhibited: r.inhibited === 1,
        }))
    },

    active(): AlertState[] {
      return (activeStmt.all() as AlertRow[]).map(toState)
    },

    activeByIdentity(identity: string): AlertState | null {
      const row = activeByIdentity.get(identity) as AlertRow | undefined
      return row ? toState(row) : null
    },

    /** The active alert of an indicator, among identities starting with `prefix`, nearest within `km`. */
    activeNear(indicatorId: string, mission: string, prefix: string, lat: number, lon: number, km: number): AlertState | null {
      // Only the scopes are read to find the nearest: a whole alert is read for that one alone.
      const rows = centresStmt.all(indicatorId, mission, prefix, `${prefix}\uffff`) as Pick<AlertRow, 'id' | 'scope'>[]
      let best: { d: number; id: number } | null = null
      for (const row of rows) {
        const c = (JSON.parse(row.scope) as AlertState['scope']).center
        if (!c) continue
        const d = distanceKm(lat, lon, c.lat, c.lon)
        if (d <= km && (!best || d < best.d)) best = { d, id: row.id }
      }
      return best ? toState(getStmt.get(best.id) as AlertRow) : null
    },

    insert(alert: Omit<AlertState, 'id'>): number {
      return Number(insertStmt.run(toRow(alert)).lastInsertRowid)
    },

    /** Writes an alert's row; `seq`, when given, is stored in place of the alert's own. */
    update(alert: AlertState, seq: number = alert.seq) {
      updateStmt.run({ ...toRow(alert), id: alert.id, seq })
    },

    /** Stamps the sequence number of an alert's latest change on its row. */
    setSeq(alertId: number, seq: number) {
      setSeqStmt.run(seq, alertId)
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

    /** Forgets an input's links, reading nothing (the caller knows whom it supported). */
    forgetLinks(inputId: string) {
      unlinkStmt.run(inputId)
    },

    inputIds(alertId: number): string[] {
      return inputsOf.pluck().all(alertId) as string[]
    },

    dueForExpiry(now: number): AlertState[] {
      return (dueStmt.all(now) as AlertRow[]).map(toState)
    },

    /** Active alerts past a deadline of their response and not yet flagged for it. */
    dueForOverdue(now: number): AlertState[] {
      return (overdueStmt.all({ now }) as AlertRow[]).map(toState)
    },

    /**
     * Appends a change and stamps its sequence number on the alert's row (unless `stampRow` is
     * false: the caller writes the row later, with the seq); returns the change.
     */
    recordChange(alert: AlertState, kind: ChangeKind, at: number, actor: string | null, cause: string, inputIds: readonly string[], stampRow = true): AlertChange {
      // The only writer numbers changes itself, so the snapshot can carry its own sequence number.
      const last = lastSeq()
      const seq = last + 1
      const stamped = { ...alert, seq }
      const stored = encodeSnapshot(stamped, keyframes.find(alert.id, last))
      changeStmt.run({
        seq, alertId: alert.id, kind, at, actor, cause, inputIds: JSON.stringify(inputIds), alert: stored.alert, base: stored.base,
        mission: alert.mission, indicatorId: alert.indicatorId, level: alert.level, gradeRank: GRADES.indexOf(alert.grade),
        status: alert.status, topCategory: alert.topCategory, taxonomy: JSON.stringify(alert.taxonomy),
        admin1: alert.scope.admin1 ?? null, areas: areaKeys(alert.scope.areas), silenced: alert.silenced ? 1 : 0, inhibited: alert.inhibited ? 1 : 0,
      })
      keyframes.written(alert.id, seq, stored)
      if (stampRow) setSeqStmt.run(seq, alert.id)
      return { seq, alertId: alert.id, kind, at, actor, cause, inputIds: [...inputIds], alert: stamped }
    },

    history(alertId: number): AlertChange[] {
      return toChanges(historyStmt.all(alertId) as ChangeRow[])
    },

    /**
     * Changes after `seq` that pass the filter, in order, and the cursor to continue from: the
     * last change returned, or (when the page is not full) the last change that exists, so a
     * filtered poller skips what it will never see. Both come from one read snapshot.
     */
    changesAfter(seq: number, limit: number, filter: ChangeFilter = {}): { changes: AlertChange[]; nextCursor: number } {
      const { sql, params } = changeWhere(filter)
      let stmt = filtered.get(sql)
      if (!stmt) {
        stmt = db.prepare(`SELECT seq, alert_id, kind, at, actor, cause, input_ids, alert, base FROM alert_changes WHERE seq > ? AND ${sql} ORDER BY seq LIMIT ?`)
        filtered.set(sql, stmt)
      }
      const read = db.transaction(() => {
        const rows = stmt.all(...([seq, ...params, limit] as unknown[])) as ChangeRow[]
        const last = rows.length === limit ? rows[rows.length - 1]!.seq : Math.max(seq, lastSeq())
        return { changes: toChanges(rows), nextCursor: last }
      })
      return read.deferred()
    },

    /** How many changes matching `filter` follow `seq`, counted up to `limit` at most. */
    countAfter(seq: number, limit: number, filter: ChangeFilter = {}): number {
      const { sql, params } = changeWhere(filter)
      return db.prepare(`SELECT count(*) FROM (SELECT 1 FROM alert_changes WHERE seq > ? AND ${sql} LIMIT ?)`).pluck().get(seq, ...params, limit) as number
    },

    lastSeq,
    /** Moves whenever another connection commits (PRAGMA data_version): when lastSeq may have moved. */
    dataVersion: dataVersionOf(db),

    countByState(): { level: string; grade: string; status: string; count: number }[] {
      return countStmt.all() as { level: string; grade: string; status: string; count: number }[]
    },

    /**
     * The alerts live at some time in [from, to] (raised by `to`, and still active or changed
     * since `from`), counted, with the active ones of grade high and above listed worst first.
     */
    summary(q: { missions?: readonly string[]; areas?: readonly string[]; from: number; to: number }) {
      const all = (periodStmt.all({ missions: q.missions ? JSON.stringify(q.missions) : null, to: q.to, from: q.from }) as AlertRow[]).map(toState)
      const areas = q.areas
      const rows = areas ? all.filter((a) => touchesAny(a.scope.areas, areas)) : all
      const open = rows.filter((a) => (a.status === 'open' || a.status === 'acknowledged') && GRADES.indexOf(a.grade) >= GRADES.indexOf('high'))
        // An inhibited alert names the alert covering it, so a brief can show the two together.
        .map((a) => ({ ...a, coveredBy: a.inhibited ? (rows.find((other) => inhibits(other, a))?.id ?? null) : null }))
      return { ...countAlerts(rows), open }
    },
  }
}

/** A placeholder alert, used only to list the column names once. */
function sampleAlert(): Omit<AlertState, 'id'> {
  return {
    identity: '', indicatorId: '', indicatorVersion: 0, ruleSetVersion: '', mission: '', taxonomy: [], topCategory: '',
    level: 'tactical', grade: 'low', rank: 0, status: 'open', statusReason: null, confidence: 'low', trend: null,
    scope: { mission: '', groupBy: {} }, windowMs: 0, count: 0, facts: {}, explanation: {}, summary: '',
    firstSeen: 0, lastSeen: 0, anchorAt: 0, raisedAt: 0, updatedAt: 0, expiresAt: 0, seq: 0, silenced: false, inhibited: false,
    acknowledgedBy: null, acknowledgedAt: null, resolvedBy: null, resolvedAt: null,
  }
}

export type AlertsRepo = ReturnType<typeof createAlertsRepo>
