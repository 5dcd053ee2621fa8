import type { Db } from './db.js'
import type { AlertFollowUpRow } from '../alerts/indicator-performance.js'
import type { Disposition } from '../alerts/alert.js'

type Row = { id: number; indicator_id: string; mission: string; raised_at: number; ack_at: number | null; action_at: number | null; overdue: number; disposition: Disposition | null; channels: string }

/** The alerts of a period with their first acknowledgement, first action and overdue history. */
export function createPerformanceRepo(db: Db) {
  const stmt = db.prepare(`SELECT a.id, a.indicator_id, a.mission, a.raised_at, a.disposition,
      (SELECT min(c.at) FROM alert_changes c WHERE c.alert_id = a.id AND c.kind = 'acknowledged') AS ack_at,
      (SELECT min(x.started_at) FROM alert_actions x WHERE x.alert_id = a.id) AS action_at,
      EXISTS (SELECT 1 FROM alert_changes c WHERE c.alert_id = a.id AND c.kind = 'overdue') AS overdue,
      (SELECT json_group_array(DISTINCT coalesce(r.channel, 'unspecified'))
        FROM alert_inputs i JOIN reports r ON r.id = i.input_id WHERE i.alert_id = a.id) AS channels
    FROM alerts a
    WHERE (@indicator IS NULL OR a.indicator_id = @indicator) AND a.raised_at >= @from AND a.raised_at < @to
      AND (@missions IS NULL OR a.mission IN (SELECT value FROM json_each(@missions)))
    ORDER BY a.indicator_id, a.id`)
  return {
    /** Alerts raised in [from, to), of one indicator or all, in the given missions (undefined: all). */
    rows(q: { indicatorId?: string; from: number; to: number; missions?: readonly string[] }): AlertFollowUpRow[] {
      const rows = stmt.all({ indicator: q.indicatorId ?? null, from: q.from, to: q.to, missions: q.missions ? JSON.stringify(q.missions) : null }) as Row[]
      return rows.map((r) => ({
        alertId: r.id, indicatorId: r.indicator_id, mission: r.mission, raisedAt: r.raised_at, acknowledgedAt: r.ack_at,
        firstActionAt: r.action_at, overdue: r.overdue === 1, disposition: r.disposition,
        channels: (JSON.parse(r.channels) as string[]).sort(),
      }))
    },
  }
}

export type PerformanceRepo = ReturnType<typeof createPerformanceRepo>
