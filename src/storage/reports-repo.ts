import type { Db } from './db.js'
import type { AlertChangeSummary } from '../engine/alert-change.js'
import { placeOf, type Report, type StoredReport } from '../reports/report.js'
import { areaKeys, areaMatchSql, areasOfPlace } from '../reports/report-place.js'
import { cellOf } from '../geo.js'
import { topOf } from '../taxonomy/taxonomy.js'
import { GRADES } from '../alerts/levels.js'
import { packJson, parseStored } from './packed-json.js'
import { DICTIONARY } from './json-dictionaries.js'

interface ReportRow {
  id: string
  /** JSON, packed (src/storage/packed-json.ts) or as text. */
  body: string | Buffer
  revision: number
  status: 'active' | 'retracted'
  fingerprint: string
  received_at: number
  updated_at: number
  retracted_reason: string | null
  occurred_at: number
}

export interface RevisionRecord {
  revision: number
  kind: 'create' | 'revise' | 'retract'
  at: string
  reason: string | null
  report: Report | null
}

export interface ReportFilter {
  mission?: string | readonly string[]
  category?: string
  /** An admin1 area, by canonical name or P-code. */
  admin1?: string
  /** An admin2 area, by canonical name or P-code. */
  admin2?: string
  /** The areas an area-scoped key may see (name or P-code): reports in any of them. */
  areas?: readonly string[]
  from?: number
  to?: number
  status?: 'active' | 'retracted'
}

/** Position in the (occurredAt, id) order of a report listing. */
export interface ReportCursor {
  t: number
  id: string
}

const iso = (ms: number) => new Date(ms).toISOString()

/** What a write answered about an alert change; every field is a column of its alert_changes row. */
export type AnsweredChange = AlertChangeSummary

/**
 * An answer as stored: the seqs of the alert changes it reported. Its report is revision 1's
 * body and each change's summary is in alert_changes, so neither is stored twice.
 */
function storedAnswer(result: { alerts: readonly { seq: number }[] }): string {
  return JSON.stringify(result.alerts.map((a) => a.seq))
}

function toStored(row: ReportRow): StoredReport & { fingerprint: string } {
  return {
    report: parseStored<Report>(row.body),
    revision: row.revision,
    status: row.status,
    receivedAt: iso(row.received_at),
    updatedAt: iso(row.updated_at),
    retractedReason: row.retracted_reason,
    fingerprint: row.fingerprint,
  }
}

/** The reports table and its revisions. Writes must run inside the caller's transaction. */
export function createReportsRepo(db: Db) {
  const getStmt = db.prepare('SELECT * FROM reports WHERE id = ?')
  const insertStmt = db.prepare(`INSERT INTO reports
    (id, mission, category, top_category, occurred_at, lat, lon, cell, admin1, admin2, route, site, areas, channel,
     revision, status, fingerprint, body, received_at, updated_at)
    VALUES (@id, @mission, @category, @top, @occurredAt, @lat, @lon, @cell, @admin1, @admin2, @route, @site, @areas, @channel,
     @revision, 'active', @fingerprint, @body, @now, @now)`)
  const updateStmt = db.prepare(`UPDATE reports SET mission = @mission, category = @category, top_category = @top,
    occurred_at = @occurredAt, lat = @lat, lon = @lon, cell = @cell, admin1 = @admin1, admin2 = @admin2,
    route = @route, site = @site, areas = @areas, channel = @channel, revision = @revision, fingerprint = @fingerprint, body = @body, updated_at = @now
    WHERE id = @id`)
  const retractStmt = db.prepare(`UPDATE reports SET status = 'retracted', revision = revision + 1,
    retracted_reason = ?, updated_at = ? WHERE id = ?`)
  const revisionStmt = db.prepare(`INSERT INTO report_revisions (report_id, revision, kind, fingerprint, body, reason, at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
  const revisionsStmt = db.prepare('SELECT * FROM report_revisions WHERE report_id = ? ORDER BY revision')
  const firstStmt = db.prepare(`SELECT v.fingerprint, v.result, v.at, coalesce(v.body, r.body) AS body
    FROM report_revisions v JOIN reports r ON r.id = v.report_id WHERE v.report_id = ? AND v.revision = 1`)
  const answeredStmt = db.prepare(`SELECT c.alert_id, c.seq, c.kind, c.indicator_id, c.level, c.grade_rank, c.status
    FROM json_each(?) j JOIN alert_changes c ON c.seq = j.value ORDER BY j.key`)
  const resultStmt = db.prepare('UPDATE report_revisions SET result = ? WHERE report_id = ? AND revision = ?')
  const createdStmt = db.prepare(`INSERT INTO report_revisions (report_id, revision, kind, fingerprint, body, result, at)
    VALUES (?, 1, 'create', ?, NULL, ?, ?)`)
  const bodyStmt = db.prepare('SELECT body FROM reports WHERE id = ?').pluck()
  // The body being replaced moves to its own revision row; the latest content revision's body
  // is the reports row's (a body is stored once).
  const keepBodyStmt = db.prepare(`UPDATE report_revisions SET body = (SELECT body FROM reports WHERE id = @id)
    WHERE report_id = @id AND body IS NULL AND revision = (SELECT max(revision) FROM report_revisions WHERE report_id = @id AND kind != 'retract')`)

  const columns = (report: Report, fp: string, revision: number, now: number) => {
    const place = placeOf(report)
    return {
      id: report.id,
      mission: report.mission,
      category: report.category,
      top: topOf(report.category),
      occurredAt: Date.parse(report.occurredAt),
      lat: place.lat,
      lon: place.lon,
      cell: place.lat === null || place.lon === null ? null : cellOf(place.lat, place.lon),
      admin1: place.admin1 ?? null,
      admin2: place.admin2 ?? null,
      route: place.route ?? null,
      site: place.site ?? null,
      areas: areaKeys(areasOfPlace(place)),
      // Kept beside the body for the reporting-gap watch, which groups by it every minute (migration 014).
      channel: report.source.channel ?? null,
      revision,
    fingerprint: fp,
      body: packJson(JSON.stringify(report), DICTIONARY.report),
      now,
    }
  }

  /** Reports in (occurredAt, id) order after the cursor, filtered; `limit` at most. */
  function list(filter: ReportFilter, after: ReportCursor | null, limit: number) {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.mission !== undefined) {
      const missions = typeof filter.mission === 'string' ? [filter.mission] : filter.mission
      where.push(`mission IN (${missions.map(() => '?').join(',') || 'NULL'})`)
      params.push(...missions)
    }
    if (filter.category) {
      where.push(filter.category.includes('.') ? 'category = ?' : 'top_category = ?')
      params.push(filter.category)
    }
    if (filter.admin1 !== undefined) { where.push(areaMatchSql('areas', 1)); params.push(filter.admin1) }
    if (filter.admin2 !== undefined) { where.push(areaMatchSql('areas', 2)); params.push(filter.admin2) }
    if (filter.areas) {
      where.push(`(${filter.areas.map(() => areaMatchSql('areas')).join(' OR ') || '0'})`)
      for (const a of filter.areas) params.push(a, a)
    }
    if (filter.from !== undefined) { where.push('occurred_at >= ?'); params.push(filter.from) }
    if (filter.to !== undefined) { where.push('occurred_at < ?'); params.push(filter.to) }
    if (filter.status) { where.push('status = ?'); params.push(filter.status) }
    if (after) { where.push('(occurred_at, id) > (?, ?)'); params.push(after.t, after.id) }
    const sql = `SELECT * FROM reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY occurred_at, id LIMIT ?`
    const rows = db.prepare(sql).all(...params, limit + 1) as ReportRow[]
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      items: page.map(toStored),
      next: rows.length > limit && last ? { t: last.occurred_at, id: last.id } : null,
    }
  }

  return {
    get(id: string) {
      const row = getStmt.get(id) as ReportRow | undefined
      return row ? toStored(row) : null
    },

    /**
     * What an identical retry replays: the first revision's fingerprint, the report as it stored
     * it, and the alert changes its answer reported (null when no answer was stored).
     */
    firstRevision(id: string): { fingerprint: string; first: StoredReport; alerts: AnsweredChange[] | null } | null {
      const row = firstStmt.get(id) as { fingerprint: string; result: string | null; at: number; body: string | Buffer } | undefined
      if (!row) return null
      const first: StoredReport = {
        report: parseStored<Report>(row.body), revision: 1, status: 'active', receivedAt: iso(row.at), updatedAt: iso(row.at), retractedReason: null,
      }
      const alerts = row.result === null ? null
        : (answeredStmt.all(row.result) as { alert_id: number; seq: number; kind: string; indicator_id: string; level: string; grade_rank: number; status: string }[])
          .map((c) => ({ alertId: c.alert_id, seq: c.seq, kind: c.kind, indicatorId: c.indicator_id, level: c.level, grade: GRADES[c.grade_rank]!, status: c.status }))
      return { fingerprint: row.fingerprint, first, alerts }
    },

    /**
     * Stores a new report (revision 1) and returns it as stored. Its revision record is written
     * by created() once the answer is known, so the answer goes in with it (one write, not two).
     */
    insert(report: Report, fp: string, now: number): StoredReport {
      insertStmt.run(columns(report, fp, 1, now))
      return { report, revision: 1, status: 'active', receivedAt: iso(now), updatedAt: iso(now), retractedReason: null }
    },

    /**
     * The revision record of a new report, with the answer an identical retry replays (its
     * changes' seqs: firstRevision rebuilds the rest).
     */
    created(report: Report, fp: string, now: number, result: { alerts: readonly { seq: number }[] } | null) {
      createdStmt.run(report.id, fp, result === null ? null : storedAnswer(result), now)
    },

    revise(report: Report, fp: string, revision: number, now: number) {
      keepBodyStmt.run({ id: report.id })
      updateStmt.run(columns(report, fp, revision, now))
      revisionStmt.run(report.id, revision, 'revise', fp, null, null, now)
    },

    retract(id: string, revision: number, reason: string | null, now: number) {
      retractStmt.run(reason, now, id)
      revisionStmt.run(id, revision, 'retract', null, null, reason, now)
    },

    saveResult(id: string, revision: number, result: { alerts: readonly { seq: number }[] }) {
      resultStmt.run(storedAnswer(result), id, revision)
    },

    history(id: string): RevisionRecord[] {
      const rows = revisionsStmt.all(id) as { revision: number; kind: RevisionRecord['kind']; at: number; reason: string | null; body: string | Buffer | null }[]
      let current: string | Buffer | undefined
      const bodyOf = (r: (typeof rows)[number]) => {
        if (r.kind === 'retract') return null
        if (r.body !== null) return r.body
        current ??= bodyStmt.get(id) as string | Buffer
        return current
      }
      return rows.map((r) => {
        const body = bodyOf(r)
        return { revision: r.revision, kind: r.kind, at: iso(r.at), reason: r.reason, report: body ? parseStored<Report>(body) : null }
      })
    },

    /** Reports in (occurredAt, id) order after the cursor, filtered; `limit` at most. */
    list,

    /**
     * The active reports that occurred in [from, to), of one mission or all, in (occurredAt, id)
     * order: a replay's input. Read a page at a time, so no statement stays open on this
     * connection while the caller awaits between reports.
     */
    *activeInRange(range: { from: number; to: number; mission?: string }, pageSize = 500): Generator<Report> {
      const filter: ReportFilter = { from: range.from, to: range.to, status: 'active', ...(range.mission ? { mission: range.mission } : {}) }
      let after: ReportCursor | null = null
      do {
        const page = list(filter, after, pageSize)
        for (const item of page.items) yield item.report
        after = page.next
      } while (after)
    },

    count(): number {
      return (db.prepare('SELECT count(*) FROM reports').pluck().get() as number)
    },
  }
}

export type ReportsRepo = ReturnType<typeof createReportsRepo>
