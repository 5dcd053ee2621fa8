import type { Db } from './db.js'
import type { Report } from '../reports/report.js'
import { parseStored } from './packed-json.js'

/**
 * The active reports after a time, for rebuilding indicator indexes: read mission by mission
 * through the (mission, occurred_at) index, a page at a time by a (occurred_at, rowid) cursor,
 * so each page is one short range of the index and of the table (rows are stored roughly in
 * time order). A page is read whole before the caller writes on the same connection.
 */
export function createLookBackReports(db: Db) {
  const nextMission = db.prepare('SELECT min(mission) FROM reports WHERE mission > ?').pluck()
  const first = db.prepare(`SELECT rowid AS rid, occurred_at, body FROM reports INDEXED BY reports_mission_time
    WHERE mission = ? AND occurred_at > ? AND status = 'active' ORDER BY occurred_at, rowid LIMIT ?`)
  const next = db.prepare(`SELECT rowid AS rid, occurred_at, body FROM reports INDEXED BY reports_mission_time
    WHERE mission = ? AND (occurred_at, rowid) > (?, ?) AND status = 'active' ORDER BY occurred_at, rowid LIMIT ?`)

  return {
    /** Every active report that occurred after `from`, each mission's in (occurredAt, stored order). */
    *since(from: number, pageSize = 1000): Generator<Report> {
      for (let mission = nextMission.get('') as string | null; mission !== null; mission = nextMission.get(mission) as string | null) {
        let rows = first.all(mission, from, pageSize) as { rid: number; occurred_at: number; body: string | Buffer }[]
        for (;;) {
          for (const r of rows) yield parseStored<Report>(r.body)
          if (rows.length < pageSize) break
          const last = rows[rows.length - 1]!
          rows = next.all(mission, last.occurred_at, last.rid, pageSize) as typeof rows
        }
      }
    },
  }
}

export type LookBackReports = ReturnType<typeof createLookBackReports>
