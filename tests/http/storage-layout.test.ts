import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'
import { snapshotDecoder } from '../../src/storage/alert-change-codec.js'
import { createReportsRepo } from '../../src/storage/reports-repo.js'
import { presentReport } from '../../src/ingest/present-report.js'
import { openDb } from '../../src/storage/db.js'

let t: TestApp | undefined
const dirs: string[] = []
afterEach(async () => {
  await t?.close()
  t = undefined
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const rulesDir = writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
const open = (dbFile: string) => testApp({ rulesDir, dbFile, now: '2026-03-10T12:00:00Z' })
const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => t!.app.inject({ method, url, ...(payload ? { payload } : {}) })

const posted = (id: string, route: string, at: string, over: Record<string, unknown> = {}) => report({ id, occurredAt: at, location: { route }, ...over })

/** Alerts raised, escalated, updated, acknowledged, downgraded, withdrawn; reports revised and retracted. */
async function aLifeOfAlerts() {
  for (const [id, at] of [['A-1', '06'], ['A-2', '07'], ['A-3', '08'], ['A-4', '09'], ['A-5', '10']] as const) {
    expect((await inject('POST', '/reports', posted(id, 'MSR-1', `2026-03-10T${at}:00:00Z`))).statusCode).toBe(201)
  }
  expect((await inject('PUT', '/reports/A-5', posted('A-5', 'MSR-1', '2026-03-10T10:30:00Z', { narrative: 'Revised once.' }))).statusCode).toBe(200)
  expect((await inject('PUT', '/reports/A-5', posted('A-5', 'MSR-1', '2026-03-10T10:45:00Z', { narrative: 'Revised twice.' }))).statusCode).toBe(200)
  expect((await inject('POST', '/alerts/1/ack', {})).statusCode).toBe(200)
  expect((await inject('DELETE', '/reports/A-4')).statusCode).toBe(200)
  expect((await inject('PUT', '/reports/A-3', posted('A-3', 'MSR-1', '2026-03-10T08:00:00Z', { narrative: 'Revised, then retracted.' }))).statusCode).toBe(200)
  expect((await inject('DELETE', '/reports/A-3')).statusCode).toBe(200)
}

/** What every reader answers: the feed, each alert's history, each report with its revisions, CAP, a retried create. */
async function answers() {
  const feed = (await inject('GET', '/alerts?after=0&limit=1000')).json() as { changes: { seq: number; alert: { id: number } }[] }
  const ids = [...new Set(feed.changes.map((c) => c.alert.id))]
  const out: Record<string, unknown> = { feed }
  for (const id of ids) {
    out[`history ${id}`] = (await inject('GET', `/alerts/${id}/history`)).json()
    for (const c of feed.changes) out[`cap ${c.seq}`] = (await inject('GET', `/cap/alerts/${c.alert.id}.xml?change=${c.seq}`)).body
  }
  for (const id of ['A-1', 'A-2', 'A-3', 'A-4', 'A-5']) out[`report ${id}`] = (await inject('GET', `/reports/${id}`)).json()
  // An identical retry of the first post replays its first answer, even after revisions.
  const retried = await inject('POST', '/reports', posted('A-5', 'MSR-1', '2026-03-10T10:00:00Z'))
  out.retry = { status: retried.statusCode, body: retried.json() }
  out.csv = (await inject('GET', '/alerts.csv')).body
  return out
}

/** Rewrites a database into the layout before migration 013: JSON text everywhere, nothing packed. */
function backToVersion12(file: string) {
  const db = openDb(file)
  try {
    db.transaction(() => {
      db.exec(`UPDATE reports SET body = vigil_json(body); UPDATE report_revisions SET body = vigil_json(body);
        UPDATE alert_changes SET alert = vigil_json(alert); DELETE FROM schema_migrations WHERE version = 13`)
    })()
  } finally {
    db.close()
  }
}

/** Rewrites a database into the layout before migration 011 (whole bodies and snapshots everywhere). */
function backToVersion10(file: string) {
  backToVersion12(file)
  const db = new Database(file)
  try {
    db.transaction(() => {
      const snapshot = snapshotDecoder(db)()
      const rows = db.prepare('SELECT seq, alert, base FROM alert_changes ORDER BY seq').all() as { seq: number; alert: string; base: number | null }[]
      const whole = rows.map((r) => [JSON.stringify(snapshot(r)), r.seq] as const)
      const put = db.prepare('UPDATE alert_changes SET alert = ?, base = NULL WHERE seq = ?')
      for (const [text, seq] of whole) put.run(text, seq)
      db.exec("UPDATE report_revisions SET body = (SELECT body FROM reports WHERE id = report_id) WHERE body IS NULL AND kind != 'retract'")
      const reports = createReportsRepo(db)
      const setResult = db.prepare('UPDATE report_revisions SET result = ? WHERE report_id = ? AND revision = 1')
      for (const id of db.prepare('SELECT id FROM reports').pluck().all() as string[]) {
        const first = reports.firstRevision(id)!
        setResult.run(JSON.stringify({ report: presentReport(first.first), alerts: first.alerts }), id)
      }
      db.exec('ALTER TABLE alert_changes DROP COLUMN base; DELETE FROM schema_migrations WHERE version = 11')
    })()
  } finally {
    db.close()
  }
}

const bytes = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true })
  try { return db.prepare(sql).pluck().get() as number } finally { db.close() }
}
const STORED = `SELECT (SELECT sum(length(alert)) FROM alert_changes)
  + (SELECT sum(coalesce(length(body), 0) + coalesce(length(result), 0)) FROM report_revisions)`

describe('storage layout (migration 011)', () => {
  it('keeps a report body once and alert changes as patches, and every reader answers as before', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = path.join(dir, 'vigil.db')
    t = await open(file)
    await aLifeOfAlerts()
    const live = await answers()
    expect((live.feed as { changes: unknown[] }).changes.length).toBeGreaterThan(5)
    expect((live.retry as { status: number }).status).toBe(201)
    await t.close()
    t = undefined

    const db = new Database(file, { readonly: true })
    const latest = db.prepare("SELECT count(*) FROM report_revisions v WHERE body IS NOT NULL AND revision = (SELECT max(revision) FROM report_revisions w WHERE w.report_id = v.report_id AND kind != 'retract')").pluck().get()
    const patched = db.prepare('SELECT count(*) FROM alert_changes WHERE base IS NOT NULL').pluck().get() as number
    const withReport = db.prepare("SELECT count(*) FROM report_revisions WHERE json_type(result) != 'array'").pluck().get()
    db.close()
    expect(latest, 'latest revisions that repeat the reports row').toBe(0)
    expect(withReport, 'stored answers that repeat the report').toBe(0)
    expect(patched, 'alert changes stored as patches').toBeGreaterThan(3)
    const compact = bytes(file, STORED)

    // The same data as version 10 stored it, migrated again: the same answers, the same size.
    backToVersion10(file)
    expect(bytes(file, STORED)).toBeGreaterThan(compact * 2)
    t = await open(file)
    expect(await answers()).toEqual(live)
    expect(bytes(file, STORED)).toBe(compact)
  })

  it('migration 013 packs the JSON of an old-layout database, and every reader answers as before', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = path.join(dir, 'vigil.db')
    t = await open(file)
    await aLifeOfAlerts()
    const live = await answers()
    await t.close()
    t = undefined
    const packed = bytes(file, STORED)
    const blobs = (table: string, col: string) => bytes(file, `SELECT count(*) FROM ${table} WHERE typeof(${col}) = 'blob'`)
    expect(blobs('reports', 'body'), 'report bodies packed as they are written').toBe(5)
    expect(blobs('alert_changes', 'alert')).toBeGreaterThan(3)

    // The same data as version 12 stored it (JSON text), opened by this version: migrated once.
    backToVersion12(file)
    expect(blobs('reports', 'body') + blobs('report_revisions', 'body') + blobs('alert_changes', 'alert')).toBe(0)
    expect(bytes(file, STORED) + bytes(file, 'SELECT sum(length(body)) FROM reports')).toBeGreaterThan(packed * 2)
    t = await open(file)
    expect(bytes(file, 'SELECT count(*) FROM schema_migrations WHERE version = 13')).toBe(1)
    expect(await answers()).toEqual(live)
    expect(bytes(file, STORED)).toBe(packed)
    expect(blobs('reports', 'body')).toBe(5)
    // Revised bodies kept in their revision rows are packed too.
    expect(blobs('report_revisions', 'body')).toBe(bytes(file, 'SELECT count(*) FROM report_revisions WHERE body IS NOT NULL'))
  })
})
