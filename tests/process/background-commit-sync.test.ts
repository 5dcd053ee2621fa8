import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { startService } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'
import { walSize } from '../helpers/db-checks.js'

/**
 * The service with VIGIL_COMMIT_SYNC=background (commits synced on the thread pool, not inside
 * COMMIT): the guarantees of the default hold as the real process keeps them.
 */
const BACKGROUND = { VIGIL_COMMIT_SYNC: 'background' }

describe('commits synced in the background (VIGIL_COMMIT_SYNC=background)', () => {
  it('keeps every report it answered 201 for when the process is killed right after, and the feed holds exactly the answered changes in order', async () => {
    const db = path.join(tempDir(), 'vigil.db')
    const svc = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }), ...BACKGROUND })
    const acknowledged: string[] = []
    const answeredSeqs: number[] = []
    let killed = false
    // Inside the rule's 14-day window of the service's own clock, so the reports raise and update alerts.
    const recent = (i: number) => new Date(Date.now() - (i + 1) * 60_000).toISOString()
    const posts = Array.from({ length: 60 }, (_, i) => report({ id: `BG-${i}`, occurredAt: recent(i), location: { route: `MSR-${i % 3}` } })).map(async (body) => {
      try {
        const res = await fetch(`${svc.url}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        if (res.status === 201) {
          acknowledged.push(String(body.id))
          for (const a of ((await res.json()) as { alerts: { seq: number }[] }).alerts) answeredSeqs.push(a.seq)
        }
        // SIGKILL the moment the tenth acknowledgement arrives: nothing gets to flush or close.
        if (acknowledged.length >= 10 && !killed) {
          killed = true
          svc.child.kill('SIGKILL')
        }
      } catch {
        // requests in flight at the kill fail; they were never acknowledged
      }
    })
    await Promise.all(posts)
    await svc.exited
    expect(acknowledged.length).toBeGreaterThanOrEqual(10)
    expect(answeredSeqs.length).toBeGreaterThan(0)

    const check = new Database(db, { readonly: true })
    try {
      const stored = new Set(check.prepare('SELECT id FROM reports').pluck().all() as string[])
      for (const id of acknowledged) expect(stored.has(id), `${id} was acknowledged but is missing`).toBe(true)
      // Every change an answer reported is in the log, and the log's seqs run 1..N with no gap.
      const seqs = check.prepare('SELECT seq FROM alert_changes ORDER BY seq').pluck().all() as number[]
      expect(seqs).toEqual(seqs.map((_, i) => i + 1))
      for (const s of answeredSeqs) expect(seqs).toContain(s)
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      check.close()
    }
  })

  it('closes cleanly on SIGTERM after finishing in-flight requests, leaving no -wal, and restarts with the reports', async () => {
    const db = path.join(tempDir(), 'vigil.db')
    const rules = writeRules({})
    const svc = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: rules, ...BACKGROUND })
    const inflight = Array.from({ length: 10 }, (_, i) => fetch(`${svc.url}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report({ id: `TERM-${i}` })) }))
    const answers = await Promise.all(inflight)
    svc.child.kill('SIGTERM')
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201))
    expect(await svc.exited).toEqual({ code: 0, signal: null })
    expect(svc.logs.some((l) => l.msg === 'closed cleanly')).toBe(true)
    expect(walSize(db), 'bytes left in the -wal file: a restart would have to recover them').toBe(0)

    const again = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: rules, ...BACKGROUND })
    for (let i = 0; i < 10; i++) expect((await fetch(`${again.url}/reports/TERM-${i}`)).status).toBe(200)
    again.child.kill('SIGTERM')
    await again.exited
  })
})
