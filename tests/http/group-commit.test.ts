import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

/** The write queue's counters from /metrics. */
async function commits(app: TestApp['app']) {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN)
  return { transactions: read('vigil_write_transactions_total'), jobs: read('vigil_write_jobs_total') }
}

// inline: SQLite syncs inside COMMIT (the default); background: the WAL is synced on the thread pool (VIGIL_COMMIT_SYNC).
describe.each(['inline', 'background'] as const)('group commit, commits synced %s', (commitSync) => {
  it('commits 50 concurrent reports in fewer transactions than reports (synchronous=FULL), answers each only once it is committed, and keeps the feed in order', async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }), now: '2026-03-10T12:00:00Z', config: { commitSync } })
    const app = t.app
    // The test app's store is opened as the service's, synchronous=FULL: every commit is fsynced.
    const check = new Database(t.dbFile, { readonly: true })
    try {
      const committed = check.prepare('SELECT count(*) FROM reports WHERE id = ?').pluck()
      const before = await commits(app)

      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => {
        const body = report({ id: `GC-${i}`, occurredAt: `2026-03-10T${String(6 + Math.floor(i / 10)).padStart(2, '0')}:${String((i % 10) * 5).padStart(2, '0')}:00Z`, location: { route: `MSR-${i % 3}` } })
        return app.inject({ method: 'POST', url: '/reports', payload: body }).then((res) => {
          // The answer comes after the commit: another connection already sees the report.
          const visible = committed.get(`GC-${i}`)
          return { status: res.statusCode, visible, alerts: (res.json() as { alerts: { seq: number; kind: string; alertId: number }[] }).alerts }
        })
      }))
      const after = await commits(app)

      expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201))
      expect(answers.map((a) => a.visible)).toEqual(Array(50).fill(1))
      const jobs = after.jobs - before.jobs
      const transactions = after.transactions - before.transactions
      expect(jobs).toBe(50)
      // Batched: jobs that waited shared a commit (one fsync for all of them). How many share one
      // depends on the machine: a transaction stops taking jobs after 25 ms, to bound latency.
      console.log(`group commit (${commitSync}): ${jobs} jobs in ${transactions} transactions`)
      expect(transactions).toBeGreaterThanOrEqual(1)
      expect(transactions).toBeLessThan(jobs * 0.7)

      // The feed holds exactly the changes the answers reported, once each, in seq order 1..N.
      const answered = answers.flatMap((a) => a.alerts).sort((x, y) => x.seq - y.seq)
      expect(answered.length).toBeGreaterThan(3)
      const feed = (await app.inject({ method: 'GET', url: '/alerts?after=0&limit=1000' })).json() as { changes: { seq: number; kind: string; alert: { id: number } }[] }
      expect(feed.changes.map((c) => c.seq)).toEqual(feed.changes.map((_, i) => i + 1))
      expect(feed.changes.map((c) => ({ seq: c.seq, kind: c.kind, alertId: c.alert.id }))).toEqual(answered.map((a) => ({ seq: a.seq, kind: a.kind, alertId: a.alertId })))
    } finally {
      check.close()
    }
  })
})
