import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { startService } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'

describe('durability of a 2xx', () => {
  it('keeps every report it answered 201 for when the process is killed right after', async () => {
    const db = path.join(tempDir(), 'vigil.db')
    const svc = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: writeRules({}) })
    const acknowledged: string[] = []
    let killed = false
    const posts = Array.from({ length: 40 }, (_, i) => report({ id: `KILL-${i}` })).map(async (body) => {
      try {
        const res = await fetch(`${svc.url}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        if (res.status === 201) acknowledged.push(String(body.id))
        // SIGKILL the moment the fifth acknowledgement arrives: nothing gets to flush or close.
        if (acknowledged.length >= 5 && !killed) {
          killed = true
          svc.child.kill('SIGKILL')
        }
      } catch {
        // requests in flight at the kill fail; they were never acknowledged
      }
    })
    await Promise.all(posts)
    await svc.exited
    expect(acknowledged.length).toBeGreaterThanOrEqual(5)

    const check = new Database(db, { readonly: true })
    try {
      const stored = new Set(check.prepare('SELECT id FROM reports').pluck().all() as string[])
      for (const id of acknowledged) expect(stored.has(id), `${id} was acknowledged but is missing`).toBe(true)
      const revisions = check.prepare('SELECT count(*) FROM report_revisions WHERE report_id = ?').pluck()
      for (const id of acknowledged) expect(revisions.get(id)).toBe(1)
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      check.close()
    }
  })

  it('closes cleanly on SIGTERM after finishing in-flight requests, and restarts with no recovery', async () => {
    const db = path.join(tempDir(), 'vigil.db')
    const rules = writeRules({})
    const svc = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: rules })
    const inflight = fetch(`${svc.url}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report({ id: 'TERM-1' })) })
    const res = await inflight
    svc.child.kill('SIGTERM')
    expect(res.status).toBe(201)
    expect(await svc.exited).toEqual({ code: 0, signal: null })
    expect(svc.logs.some((l) => l.msg === 'closed cleanly')).toBe(true)

    const again = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: rules })
    const got = await fetch(`${again.url}/reports/TERM-1`)
    expect(got.status).toBe(200)
    again.child.kill('SIGTERM')
    await again.exited
  })
})
