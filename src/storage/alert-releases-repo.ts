import type { Db } from './db.js'

/** An alert released to a partner organisation, by whom and when. */
export interface AlertRelease {
  alertId: number
  org: string
  releasedBy: string
  releasedAt: number
  note: string | null
}

interface ReleaseRow { alert_id: number; org: string; released_by: string; released_at: number; note: string | null }

const toRelease = (r: ReleaseRow): AlertRelease => ({ alertId: r.alert_id, org: r.org, releasedBy: r.released_by, releasedAt: r.released_at, note: r.note })

/** Which alerts the JOC released to which partner organisations. Writes run in the caller's job. */
export function createAlertReleasesRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO alert_releases (alert_id, org, released_by, released_at, note) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (alert_id, org) DO NOTHING`)
  const ofAlert = db.prepare('SELECT * FROM alert_releases WHERE alert_id = ? ORDER BY released_at, org')
  const one = db.prepare('SELECT * FROM alert_releases WHERE alert_id = ? AND org = ?')
  const forOrg = db.prepare('SELECT * FROM alert_releases WHERE org = ? AND alert_id > ? ORDER BY alert_id LIMIT ?')
  return {
    /** Releases an alert to each organisation; one released already keeps its first release. */
    release(alertId: number, orgs: readonly string[], by: string, at: number, note: string | null): AlertRelease[] {
      for (const org of orgs) insert.run(alertId, org, by, at, note)
      return (ofAlert.all(alertId) as ReleaseRow[]).map(toRelease)
    },
    ofAlert(alertId: number): AlertRelease[] {
      return (ofAlert.all(alertId) as ReleaseRow[]).map(toRelease)
    },
    get(alertId: number, org: string): AlertRelease | null {
      const row = one.get(alertId, org) as ReleaseRow | undefined
      return row ? toRelease(row) : null
    },
    /** The releases to an organisation after an alert id, in id order. */
    forOrg(org: string, afterId: number, limit: number): AlertRelease[] {
      return (forOrg.all(org, afterId, limit) as ReleaseRow[]).map(toRelease)
    },
  }
}

export type AlertReleasesRepo = ReturnType<typeof createAlertReleasesRepo>
