import type { Db } from './db.js'

/** A proposed rule change as stored: what HQ reviews before merging it through git. */
export interface RuleDraft {
  id: number
  ruleId: string
  version: number
  title: string
  mission: string
  text: string
  note: string | null
  author: string
  createdAt: number
  replacesLive: boolean
  preview: unknown
}

type Row = { id: number; rule_id: string; version: number; title: string; mission: string; text: string; note: string | null; author: string; created_at: number; replaces_live: number; preview: string }

const toDraft = (r: Row): RuleDraft => ({
  id: r.id, ruleId: r.rule_id, version: r.version, title: r.title, mission: r.mission, text: r.text, note: r.note,
  author: r.author, createdAt: r.created_at, replacesLive: r.replaces_live === 1, preview: JSON.parse(r.preview) as unknown,
})

export function createRuleDraftsRepo(db: Db) {
  const insertStmt = db.prepare(`INSERT INTO rule_drafts (rule_id, version, title, mission, text, note, author, created_at, replaces_live, preview)
    VALUES (@ruleId, @version, @title, @mission, @text, @note, @author, @createdAt, @replacesLive, @preview)`)
  const getStmt = db.prepare('SELECT * FROM rule_drafts WHERE id = ?')
  const listStmt = db.prepare(`SELECT * FROM rule_drafts WHERE (@missions IS NULL OR mission IN (SELECT value FROM json_each(@missions)))
    ORDER BY id DESC LIMIT @limit`)
  return {
    insert(d: Omit<RuleDraft, 'id'>): RuleDraft {
      const id = Number(insertStmt.run({ ...d, replacesLive: d.replacesLive ? 1 : 0, preview: JSON.stringify(d.preview) }).lastInsertRowid)
      return toDraft(getStmt.get(id) as Row)
    },
    get(id: number): RuleDraft | null {
      const r = getStmt.get(id) as Row | undefined
      return r ? toDraft(r) : null
    },
    /** The newest drafts first, of the given missions (undefined: all). */
    list(missions: readonly string[] | undefined, limit = 200): RuleDraft[] {
      return (listStmt.all({ missions: missions ? JSON.stringify(missions) : null, limit }) as Row[]).map(toDraft)
    },
  }
}

export type RuleDraftsRepo = ReturnType<typeof createRuleDraftsRepo>
