import type { Db } from './db.js'
import { parseStored } from './packed-json.js'
import type { Report } from '../reports/report.js'

export interface StoredBrief {
  id: number
  mission: string
  every: 'day' | 'week'
  dueAt: number
  from: number
  to: number
  producedAt: number
  markdown: string
  data: unknown
}

type BriefRow = { id: number; mission: string; every: 'day' | 'week'; due_at: number; from_at: number; to_at: number; produced_at: number; markdown: string; data: string }

const toBrief = (r: BriefRow): StoredBrief => ({
  id: r.id, mission: r.mission, every: r.every, dueAt: r.due_at, from: r.from_at, to: r.to_at, producedAt: r.produced_at, markdown: r.markdown, data: JSON.parse(r.data) as unknown,
})

export interface Casualties { killed: number; injured: number; unKilled: number; unInjured: number; reports: number }

const un = (kind: string) => `coalesce(json_extract(j, '$.casualties.${kind}.un.military'), 0) + coalesce(json_extract(j, '$.casualties.${kind}.un.police'), 0) + coalesce(json_extract(j, '$.casualties.${kind}.un.civilian'), 0)`
const all = (kind: string) => `${un(kind)} + coalesce(json_extract(j, '$.casualties.${kind}.civilian'), 0) + coalesce(json_extract(j, '$.casualties.${kind}.other'), 0)`

/** Scheduled briefs and the figures they are made of. Writes run in the caller's transaction. */
export function createBriefsRepo(db: Db) {
  // @missions is a JSON array of mission codes, or NULL for every mission.
  const inMissions = '(@missions IS NULL OR mission IN (SELECT value FROM json_each(@missions)))'
  const kinds = db.prepare(`SELECT kind, count(*) AS n FROM alert_changes WHERE ${inMissions} AND at >= @from AND at < @to GROUP BY kind`)
  // Each body is unpacked once (MATERIALIZED), then read by the thirteen json_extract calls.
  const casualties = db.prepare(`WITH r AS MATERIALIZED (SELECT vigil_json(body) AS j FROM reports
      WHERE status = 'active' AND ${inMissions} AND occurred_at >= @from AND occurred_at < @to)
    SELECT count(*) AS reports, coalesce(sum(${all('killed')}), 0) AS killed, coalesce(sum(${all('injured')}), 0) AS injured,
    coalesce(sum(${un('killed')}), 0) AS unKilled, coalesce(sum(${un('injured')}), 0) AS unInjured FROM r`)
  const bodies = db.prepare(`SELECT body FROM reports WHERE status = 'active' AND ${inMissions} AND occurred_at >= @from AND occurred_at < @to`).pluck()
  const insert = db.prepare(`INSERT OR IGNORE INTO briefs (mission, every, due_at, from_at, to_at, produced_at, markdown, data)
    VALUES (@mission, @every, @dueAt, @from, @to, @producedAt, @markdown, @data)`)
  const latestDue = db.prepare('SELECT max(due_at) FROM briefs WHERE mission = ? AND every = ?').pluck()
  const latest = db.prepare('SELECT * FROM briefs WHERE mission = ? AND (? IS NULL OR every = ?) ORDER BY due_at DESC, id DESC LIMIT 1')
  const key = (missions: readonly string[] | null) => (missions ? JSON.stringify(missions) : null)

  return {
    changesByKind(missions: readonly string[] | null, from: number, to: number): Record<string, number> {
      const rows = kinds.all({ missions: key(missions), from, to }) as { kind: string; n: number }[]
      return Object.fromEntries(rows.map((r) => [r.kind, r.n]))
    },
    casualties(missions: readonly string[] | null, from: number, to: number): Casualties {
      return casualties.get({ missions: key(missions), from, to }) as Casualties
    },
    /** The period's active reports, one at a time (a week of a busy mission is thousands). */
    *reports(missions: readonly string[] | null, from: number, to: number): Generator<Report> {
      for (const body of bodies.iterate({ missions: key(missions), from, to }) as Iterable<string | Buffer>) yield parseStored<Report>(body)
    },
    /** Stores a brief; null when one for that due time exists already (made once, whatever retries). */
    insert(b: Omit<StoredBrief, 'id'>): number | null {
      const res = insert.run({ ...b, data: JSON.stringify(b.data) })
      return res.changes === 1 ? Number(res.lastInsertRowid) : null
    },
    latestDue(mission: string, every: string): number | null {
      return (latestDue.get(mission, every) as number | null) ?? null
    },
    latest(mission: string, every?: string): StoredBrief | null {
      const row = latest.get(mission, every ?? null, every ?? null) as BriefRow | undefined
      return row ? toBrief(row) : null
    },
  }
}

export type BriefsRepo = ReturnType<typeof createBriefsRepo>
