import type { Db } from './db.js'
import type { StreamHistory, StreamKind } from '../alerts/reporting-gaps.js'

interface StreamRow {
  name: string
  lastAt: number
  firstAt: number
  reports: number
  reportingDays: number
}

/**
 * Each stream's name in a report row: the resolved admin1 area, or the source channel (its own
 * column since migration 014, copied from the report's JSON; reports without one have none).
 */
const NAME_OF: Record<StreamKind, string> = {
  area: 'admin1',
  channel: 'channel',
}

/**
 * The reporting history of a mission's streams for the reporting-gap watch: per area and per
 * source channel, the last active report at or before `now` within the look-back, and the
 * history over the look-back that ends at that last report. Counted by occurredAt, so a replay
 * sees the history the live service saw at the same moment.
 */
export function createReportingHistoryRepo(db: Db) {
  const statements = Object.fromEntries((Object.keys(NAME_OF) as StreamKind[]).map((kind) => [kind, db.prepare(`
    WITH recent AS (
      SELECT ${NAME_OF[kind]} AS name, occurred_at AS at FROM reports
      WHERE mission = @mission AND status = 'active' AND occurred_at > @from AND occurred_at <= @now
    ),
    last AS (SELECT name, MAX(at) AS lastAt FROM recent WHERE name IS NOT NULL AND at > @since GROUP BY name)
    SELECT last.name AS name, last.lastAt AS lastAt, MIN(recent.at) AS firstAt, COUNT(*) AS reports,
      COUNT(DISTINCT recent.at / 86400000) AS reportingDays
    FROM last JOIN recent ON recent.name = last.name AND recent.at > last.lastAt - @lookback AND recent.at <= last.lastAt
    GROUP BY last.name ORDER BY last.name`)])) as Record<StreamKind, ReturnType<Db['prepare']>>

  return {
    /** Every stream of the mission with a report in the look-back before `now`. */
    streams(mission: string, now: number, lookbackMs: number): StreamHistory[] {
      const out: StreamHistory[] = []
      for (const kind of Object.keys(statements) as StreamKind[]) {
        const rows = statements[kind].all({ mission, now, since: now - lookbackMs, from: now - 2 * lookbackMs, lookback: lookbackMs }) as StreamRow[]
        for (const r of rows) out.push({ mission, kind, name: String(r.name), lastAt: r.lastAt, firstAt: r.firstAt, reports: r.reports, reportingDays: r.reportingDays })
      }
      return out
    },
  }
}

export type ReportingHistoryRepo = ReturnType<typeof createReportingHistoryRepo>
