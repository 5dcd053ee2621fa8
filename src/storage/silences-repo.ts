import type { Db } from './db.js'
import type { Silence, SilenceMatchers } from '../alerts/silence.js'

interface SilenceRow {
  id: number
  matchers: string
  starts_at: number
  ends_at: number
  reason: string
  author: string
  created_at: number
  ended_at: number | null
  ended_by: string | null
}

const toSilence = (r: SilenceRow): Silence => ({
  id: r.id,
  matchers: JSON.parse(r.matchers) as SilenceMatchers,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  reason: r.reason,
  author: r.author,
  createdAt: r.created_at,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
})

/** Silences. Writes run in the caller's transaction. */
export function createSilencesRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO silences (matchers, starts_at, ends_at, reason, author, created_at)
    VALUES (?, ?, ?, ?, ?, ?)`)
  const get = db.prepare('SELECT * FROM silences WHERE id = ?')
  const active = db.prepare('SELECT * FROM silences WHERE ended_at IS NULL AND starts_at <= ? AND ends_at > ? ORDER BY id')
  const all = db.prepare('SELECT * FROM silences ORDER BY id DESC LIMIT ?')
  const end = db.prepare('UPDATE silences SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL')
  const due = db.prepare('SELECT * FROM silences WHERE ended_at IS NULL AND ends_at <= ?')

  return {
    create(s: { matchers: SilenceMatchers; startsAt: number; endsAt: number; reason: string; author: string; now: number }): Silence {
      const id = Number(insert.run(JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.reason, s.author, s.now).lastInsertRowid)
      return toSilence(get.get(id) as SilenceRow)
    },
    get(id: number): Silence | null {
      const row = get.get(id) as SilenceRow | undefined
      return row ? toSilence(row) : null
    },
    active(now: number): Silence[] {
      return (active.all(now, now) as SilenceRow[]).map(toSilence)
    },
    list(limit = 500): Silence[] {
      return (all.all(limit) as SilenceRow[]).map(toSilence)
    },
    /** Ends a silence now (deleted early, or found past its end); false when it had ended already. */
    end(id: number, by: string, now: number): boolean {
      return end.run(now, by, id).changes > 0
    },
    /** Silences past their end that nobody has closed yet. */
    due(now: number): Silence[] {
      return (due.all(now) as SilenceRow[]).map(toSilence)
    },
  }
}

export type SilencesRepo = ReturnType<typeof createSilencesRepo>
