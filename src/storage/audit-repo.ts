import type { Db } from './db.js'

export interface AuditEntry {
  at: number
  keyId: string | null
  keyName: string
  action: string
  target: string | null
  mission: string | null
  requestId: string | null
  outcome: string
  detail?: Record<string, unknown>
}

export interface AuditRecord extends AuditEntry {
  id: number
}

export interface AuditFilter {
  keyId?: string
  action?: string
  target?: string
  outcome?: string
  from?: number
  to?: number
}

/** The append-only audit trail (the database refuses updates and deletes). */
export function createAuditRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO audit_log (at, key_id, key_name, action, target, mission, request_id, outcome, detail)
    VALUES (@at, @keyId, @keyName, @action, @target, @mission, @requestId, @outcome, @detail)`)

  return {
    append(e: AuditEntry) {
      insert.run({ ...e, detail: e.detail ? JSON.stringify(e.detail) : null })
    },
    /** Records after `afterId`, oldest first, filtered. */
    list(f: AuditFilter, afterId: number, limit: number): AuditRecord[] {
      const where = ['id > ?']
      const params: unknown[] = [afterId]
      if (f.keyId) { where.push('key_id = ?'); params.push(f.keyId) }
      if (f.action) { where.push('(action = ? OR action LIKE ?)'); params.push(f.action, `${f.action}.%`) }
      if (f.target) { where.push('target = ?'); params.push(f.target) }
      if (f.outcome) { where.push('outcome = ?'); params.push(f.outcome) }
      if (f.from !== undefined) { where.push('at >= ?'); params.push(f.from) }
      if (f.to !== undefined) { where.push('at < ?'); params.push(f.to) }
      const rows = db.prepare(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...params, limit) as
        { id: number; at: number; key_id: string | null; key_name: string; action: string; target: string | null; mission: string | null; request_id: string | null; outcome: string; detail: string | null }[]
      return rows.map((r) => ({
        id: r.id, at: r.at, keyId: r.key_id, keyName: r.key_name, action: r.action, target: r.target, mission: r.mission,
        requestId: r.request_id, outcome: r.outcome, ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}),
      }))
    },
  }
}

export type AuditRepo = ReturnType<typeof createAuditRepo>
