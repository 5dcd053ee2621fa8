import { createHash } from 'node:crypto'
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { replay } from '../../src/evaluate/replay.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import { fingerprint, type Report } from '../../src/reports/report.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import type { AlertState } from '../../src/alerts/alert.js'
import { taxonomy } from './test-app.js'
import { snapshotDecoder } from '../../src/storage/alert-change-codec.js'
import { parseStored } from '../../src/storage/packed-json.js'

/**
 * What the reliability tests compare alerts by: what a JOC officer would act on, not the ids or
 * timestamps that differ between a live run and a replay of it.
 */
export function alertKey(a: Pick<AlertState, 'indicatorId' | 'identity' | 'level' | 'grade' | 'count' | 'status'>): string {
  return `${a.identity} ${a.level} ${a.grade} count=${a.count} ${a.status}`
}

/** Runs `fn` on a read-only connection to a vigil database file, closed afterwards. */
export function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

interface AlertRow { id: number; identity: string; indicator_id: string; level: AlertState['level']; grade: AlertState['grade']; count: number; status: AlertState['status']; seq: number; rule_set_version: string; indicator_version: number }

/** Every alert of the database as a comparable key, sorted. */
export function storedAlertKeys(file: string): string[] {
  return withDb(file, (db) => (db.prepare('SELECT * FROM alerts').all() as AlertRow[])
    .map((r) => alertKey({ indicatorId: r.indicator_id, identity: r.identity, level: r.level, grade: r.grade, count: r.count, status: r.status }))
    .sort())
}

/** The classified reports stored in a database, active ones only, in occurredAt order. */
export function storedReports(file: string): Report[] {
  return withDb(file, (db) => (db.prepare("SELECT body FROM reports WHERE status = 'active' ORDER BY occurred_at, id").pluck().all() as (string | Buffer)[])
    .map((b) => parseStored<Report>(b)))
}

/**
 * The alerts a clean replay of the stored reports produces with the rules of `rulesDir`: the
 * engine starting from nothing, each report evaluated once, in occurredAt order.
 */
export async function replayedAlertKeys(file: string, rulesDir: string, missions: readonly string[] = DEFAULT_MISSIONS): Promise<string[]> {
  const checked = checkRuleDir(rulesDir, taxonomy)
  if (checked.problems.length > 0) throw new Error(`rules fail their check: ${JSON.stringify(checked.problems)}`)
  const set = buildRuleSet(checked.rules, checked.version, 0)
  const out = await replay({ reports: storedReports(file), set, taxonomy, missions })
  if (out.rejected.length > 0) throw new Error(`the replay refused stored reports: ${JSON.stringify(out.rejected)}`)
  return out.alerts.map(alertKey).sort()
}

/**
 * Everything that would show a half-written report or alert: each problem as a sentence. Holds
 * only if every write committed whole (report, its revision and stored answer, its inputs, the
 * alerts and changes it caused) or not at all.
 */
export function consistencyProblems(file: string): string[] {
  return withDb(file, (db) => {
    const problems: string[] = []
    const integrity = db.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`)
    for (const fk of db.pragma('foreign_key_check') as unknown[]) problems.push(`foreign key broken: ${JSON.stringify(fk)}`)

    const reports = db.prepare('SELECT id, revision, status, fingerprint, body FROM reports').all() as { id: string; revision: number; status: string; fingerprint: string; body: string | Buffer }[]
    const revisions = db.prepare('SELECT report_id, revision, kind, fingerprint, result FROM report_revisions ORDER BY report_id, revision').all() as { report_id: string; revision: number; kind: string; fingerprint: string | null; result: string | null }[]
    const byReport = new Map<string, typeof revisions>()
    for (const r of revisions) byReport.set(r.report_id, [...(byReport.get(r.report_id) ?? []), r])
    const changeRows = db.prepare('SELECT seq, alert_id, kind FROM alert_changes ORDER BY seq').all() as { seq: number; alert_id: number; kind: string }[]
    const changeBySeq = new Map(changeRows.map((c) => [c.seq, c]))

    for (const r of reports) {
      const revs = byReport.get(r.id) ?? []
      if (revs.length !== r.revision) problems.push(`report ${r.id}: at revision ${r.revision} but ${revs.length} revision row(s)`)
      const first = revs[0]
      if (!first || first.kind !== 'create') { problems.push(`report ${r.id}: no create revision`); continue }
      // The stored answer is written in the same transaction as the report: a retry replays it.
      if (first.result === null) { problems.push(`report ${r.id}: stored without its answer`); continue }
      let body: Report
      try {
        body = parseStored<Report>(r.body)
      } catch {
        problems.push(`report ${r.id}: body is not JSON (packed or not)`)
        continue
      }
      if (r.revision === 1 && fingerprint(body) !== r.fingerprint) problems.push(`report ${r.id}: body does not match its fingerprint`)
      // Stored as the seqs of the alert changes it reported (its report is revision 1's body).
      const answered = JSON.parse(first.result) as number[]
      for (const seq of answered) if (!changeBySeq.has(seq)) problems.push(`report ${r.id}: answered change seq ${seq} is not stored`)
    }
    for (const [id] of byReport) if (!reports.some((r) => r.id === id)) problems.push(`revision rows for missing report ${id}`)

    // The poll's sequence: 1..N, no gap, no repeat.
    changeRows.forEach((c, i) => { if (c.seq !== i + 1) problems.push(`alert_changes seq ${c.seq} at position ${i + 1}: a gap`) })

    const alerts = db.prepare('SELECT * FROM alerts').all() as AlertRow[]
    const lastChange = db.prepare('SELECT seq, alert, base FROM alert_changes WHERE alert_id = ? ORDER BY seq DESC LIMIT 1')
    const snapshot = snapshotDecoder(db)()
    for (const a of alerts) {
      const last = lastChange.get(a.id) as { seq: number; alert: string | Buffer; base: number | null } | undefined
      if (!last) { problems.push(`alert ${a.id}: no change recorded`); continue }
      if (last.seq !== a.seq) problems.push(`alert ${a.id}: at seq ${a.seq} but its last change is ${last.seq}`)
      const then = snapshot(last)
      for (const k of ['level', 'grade', 'count', 'status'] as const) {
        if (then[k] !== a[k]) problems.push(`alert ${a.id}: ${k} ${String(a[k])} but its last change says ${String(then[k])}`)
      }
    }
    const reportIds = new Set(reports.map((r) => r.id))
    const alertIds = new Set(alerts.map((a) => a.id))
    for (const row of db.prepare('SELECT alert_id, input_id FROM alert_inputs').all() as { alert_id: number; input_id: string }[]) {
      const known = row.input_id.startsWith('alert:') ? alertIds.has(Number(row.input_id.slice(6))) : reportIds.has(row.input_id)
      if (!known) problems.push(`alert ${row.alert_id}: linked to unknown input ${row.input_id}`)
    }
    for (const id of db.prepare("SELECT DISTINCT input_id FROM indicator_inputs WHERE input_id NOT LIKE 'alert:%'").pluck().all() as string[]) {
      if (!reportIds.has(id)) problems.push(`indicator input for unknown report ${id}`)
    }
    return problems
  })
}

/**
 * A hash of every row of every table: equal before and after a request means the request
 * changed nothing that was stored. The audit trail is left out by default: it records every
 * write attempt, refused ones included, by design (src/http/audit.ts).
 */
export function contentHash(file: string, ignore: readonly string[] = ['audit_log']): string {
  return withDb(file, (db) => {
    const h = createHash('sha256')
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]
    for (const t of tables.filter((x) => !ignore.includes(x))) {
      h.update(`\0${t}\0`)
      for (const row of db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).raw().all()) h.update(JSON.stringify(row))
    }
    // AUTOINCREMENT counters (the alert change sequence among them), except the ignored tables'.
    const seqs = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'").pluck().get() === 1
      ? (db.prepare('SELECT name, seq FROM sqlite_sequence ORDER BY name').raw().all() as [string, number][]).filter(([name]) => !ignore.includes(name))
      : []
    h.update(JSON.stringify(seqs))
    return h.digest('hex')
  })
}

/** Size of the write-ahead log next to a database (0 when absent): a clean close leaves none. */
export function walSize(file: string): number {
  try {
    return fs.statSync(`${file}-wal`).size
  } catch {
    return 0
  }
}
