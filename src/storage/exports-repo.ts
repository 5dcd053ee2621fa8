import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'
import { areaMatchSql } from '../reports/report-place.js'
import type { AlertStatus } from '../alerts/alert.js'
import { GRADES, type Grade, type Level } from '../alerts/levels.js'

/** Which alerts an export holds: the poll's filters, over the alerts as they stand. */
export interface AlertExportFilter {
  missions?: readonly string[]
  mission?: string
  level?: Level
  minGrade?: Grade
  /** One status; undefined: the active ones (open and acknowledged). */
  status?: AlertStatus
  taxonomy?: string
  admin1?: string
  /** The areas an area-scoped key may see: alerts touching any of them. */
  areas?: readonly string[]
  indicator?: string
  silenced: 'exclude' | 'include' | 'only'
  inhibited: 'exclude' | 'include' | 'only'
}

/** Alert ids for exports, a page at a time in id order (the caller reads each alert whole). */
export function createExportsRepo(db: Db) {
  const statements = new Map<string, Statement>()
  return {
    *alertIds(f: AlertExportFilter, pageSize = 500): Generator<number> {
      const where: string[] = []
      const params: unknown[] = []
      if (f.missions) { where.push(`mission IN (${f.missions.map(() => '?').join(',') || 'NULL'})`); params.push(...f.missions) }
      if (f.mission) { where.push('mission = ?'); params.push(f.mission) }
      if (f.level) { where.push('level = ?'); params.push(f.level) }
      if (f.minGrade) {
        const grades = GRADES.slice(GRADES.indexOf(f.minGrade))
        where.push(`grade IN (${grades.map(() => '?').join(',')})`)
        params.push(...grades)
      }
      if (f.status) { where.push('status = ?'); params.push(f.status) } else where.push("status IN ('open', 'acknowledged')")
      // Every alert with an input in the area, as the poll's filter (names and P-codes).
      if (f.admin1) { where.push(areaMatchSql('areas', 1)); params.push(f.admin1) }
      if (f.areas) {
        where.push(`(${f.areas.map(() => areaMatchSql('areas')).join(' OR ') || '0'})`)
        for (const a of f.areas) params.push(a, a)
      }
      if (f.indicator) { where.push('indicator_id = ?'); params.push(f.indicator) }
      if (f.taxonomy) {
        where.push("(top_category = ? OR EXISTS (SELECT 1 FROM json_each(taxonomy) WHERE value = ? OR value LIKE ? || '.%'))")
        params.push(f.taxonomy, f.taxonomy, f.taxonomy)
      }
      for (const flag of ['silenced', 'inhibited'] as const) if (f[flag] !== 'include') where.push(`${flag} = ${f[flag] === 'only' ? 1 : 0}`)
      const sql = `SELECT id FROM alerts WHERE ${where.join(' AND ')} AND id > ? ORDER BY id LIMIT ?`
      let stmt = statements.get(sql)
      if (!stmt) statements.set(sql, stmt = db.prepare(sql).pluck())
      let after = 0
      for (;;) {
        const ids = stmt.all(...([...params, after, pageSize] as unknown[])) as number[]
        yield* ids
        if (ids.length < pageSize) return
        after = ids[ids.length - 1]!
      }
    },
  }
}

export type ExportsRepo = ReturnType<typeof createExportsRepo>
