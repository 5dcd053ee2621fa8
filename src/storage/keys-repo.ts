import { dataVersionOf, type Db } from './db.js'
import type { Role } from '../auth/roles.js'

export interface ApiKey {
  id: string
  name: string
  role: Role
  /** null: every mission. */
  missions: string[] | null
  /** The areas within its missions it may see (P-codes, or names without a gazetteer); null: all. */
  areas: string[] | null
  /** A partner key's organisation; null for every other role. */
  org: string | null
  tokenHash: string
  createdAt: number
  createdBy: string
  revokedAt: number | null
  revokedBy: string | null
}

interface KeyRow {
  id: string
  name: string
  role: Role
  missions: string
  areas: string | null
  org: string | null
  token_hash: string
  created_at: number
  created_by: string
  revoked_at: number | null
  revoked_by: string | null
}

const toKey = (r: KeyRow): ApiKey => {
  const missions = JSON.parse(r.missions) as string[]
  return {
    id: r.id, name: r.name, role: r.role, missions: missions.includes('*') ? null : missions,
    areas: r.areas === null ? null : JSON.parse(r.areas) as string[], org: r.org ?? null, tokenHash: r.token_hash,
    createdAt: r.created_at, createdBy: r.created_by, revokedAt: r.revoked_at, revokedBy: r.revoked_by,
  }
}

/** Access keys. Requests look keys up through LiveKeys (live-keys.ts), which holds the live ones in memory. */
export function createKeysRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO api_keys (id, name, role, missions, areas, org, token_hash, created_at, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const live = db.prepare('SELECT * FROM api_keys WHERE revoked_at IS NULL')
  const byId = db.prepare('SELECT * FROM api_keys WHERE id = ?')
  const all = db.prepare('SELECT * FROM api_keys ORDER BY created_at, id')
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL')
  const activeAdmins = db.prepare("SELECT count(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL").pluck()

  return {
    create(k: { id: string; name: string; role: Role; missions: string[] | null; areas?: string[] | null; org?: string | null; tokenHash: string; now: number; by: string }): ApiKey {
      insert.run(k.id, k.name, k.role, JSON.stringify(k.missions ?? ['*']), k.areas ? JSON.stringify(k.areas) : null, k.org ?? null, k.tokenHash, k.now, k.by)
      return toKey(byId.get(k.id) as KeyRow)
    },
    /** Every live (unrevoked) key. */
    active(): ApiKey[] {
      return (live.all() as KeyRow[]).map(toKey)
    },
    /** Moves whenever another connection commits (PRAGMA data_version). */
    dataVersion: dataVersionOf(db),
    get(id: string): ApiKey | null {
      const row = byId.get(id) as KeyRow | undefined
      return row ? toKey(row) : null
    },
    list(): ApiKey[] {
      return (all.all() as KeyRow[]).map(toKey)
    },
    /** Revokes a key; false when it was revoked already. */
    revoke(id: string, by: string, now: number): boolean {
      return revoke.run(now, by, id).changes > 0
    },
    activeAdminCount(): number {
      return activeAdmins.get() as number
    },
  }
}

export type KeysRepo = ReturnType<typeof createKeysRepo>
