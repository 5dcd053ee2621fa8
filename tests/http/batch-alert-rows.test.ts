import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'
import { consistencyProblems, replayedAlertKeys, storedAlertKeys, withDb } from '../helpers/db-checks.js'
import { createAlertsRepo } from '../../src/storage/alerts-repo.js'
import type { AlertState } from '../../src/alerts/alert.js'

/**
 * A write job writes each alert's row once, at its end (src/storage/logged-alerts.ts): a batch
 * chunk that updates one alert with every report must still leave the row at its final state,
 * every change in the feed, memory and database agreeing after a rollback, and reads inside a
 * job seeing the rows the job wrote.
 */
let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const RULES = { 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }

async function start() {
  const rulesDir = writeRules(RULES)
  t = await testApp({ rulesDir, now: '2026-03-04T00:00:00Z' })
  return { t, rulesDir }
}

/** IED reports on one route, an hour apart from 1 March: every one updates the same alert. */
const onRoute = (n: number, prefix: string, from = 0) => Array.from({ length: n }, (_, i) =>
  report({ id: `${prefix}${i + 1}`, occurredAt: new Date(Date.parse('2026-03-01T00:00:00Z') + (from + i) * 3_600_000).toISOString() }))

async function batch(items: unknown[]) {
  const res = await t!.app.inject({ method: 'POST', url: '/reports/batch', payload: items })
  expect(res.statusCode, res.body).toBe(200)
  return (res.json() as { results: { status: number; code?: string }[] }).results
}

type Change = { seq: number; kind: string; alert: AlertState }
const feed = async () => (await t!.app.inject({ method: 'GET', url: '/alerts?limit=1000' })).json().changes as Change[]

/** The alert's row read straight from the file, as a restarted service would load it. */
const storedRow = (id: number) => withDb(t!.dbFile, (db) => createAlertsRepo(db as never).get(id))
/** The snapshot of the alert's last stored change (what the feed and its history say it became). */
const lastSnapshot = (id: number) => withDb(t!.dbFile, (db) => createAlertsRepo(db as never).history(id).at(-1)!.alert)

describe('alert rows written once per write job', () => {
  it('an alert updated by every report of one batch chunk is stored with its final state, and every change is in the feed', async () => {
    await start()
    const results = await batch(onRoute(60, 'R'))
    expect(results.map((r) => r.status)).toEqual(Array(60).fill(201))

    const changes = await feed()
    // Raised at 2 (tactical), escalated at 3, then one update per report: none coalesced away.
    expect(changes.map((c) => c.kind)).toEqual(['raised', 'escalated', ...Array(57).fill('updated')])
    expect(changes.map((c) => c.alert.count)).toEqual(Array.from({ length: 59 }, (_, i) => i + 2))
    expect(changes.map((c) => c.seq)).toEqual(Array.from({ length: 59 }, (_, i) => i + 1))

    const last = changes[changes.length - 1]!
    const row = storedRow(last.alert.id)!
    // The whole row, not only its counters: the last change's snapshot is the row as it stands.
    expect(row).toEqual(lastSnapshot(last.alert.id))
    expect(row).toMatchObject({ count: 60, seq: 59, level: 'operational', grade: 'high' })
    expect(consistencyProblems(t!.dbFile)).toEqual([])
  })

  it('a chunk with a refused item is rolled back whole, and memory and the database agree afterwards', async () => {
    const { rulesDir } = await start()
    await batch(onRoute(5, 'A'))
    // A3 again with other content: a conflict, so the chunk's job fails and its writes (held
    // alert rows included) are rolled back; the chunk is then written one report at a time.
    const second = onRoute(30, 'B', 5)
    second.splice(10, 0, report({ id: 'A3', occurredAt: '2026-03-01T02:00:00Z', narrative: 'different content' }))
    const results = await batch(second)
    expect(results.filter((r) => r.status !== 201)).toMatchObject([{ status: 409, code: 'VIGIL_REPORT_CONFLICT' }])

    // One more report: counted by the engine from memory, stored as a row; both must say 36.
    const third = await batch(onRoute(1, 'C', 40))
    expect(third[0]!.status).toBe(201)
    const changes = await feed()
    const last = changes[changes.length - 1]!
    expect(last.alert.count).toBe(36)
    expect(storedRow(last.alert.id)).toEqual(lastSnapshot(last.alert.id))
    expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1))
    expect(consistencyProblems(t!.dbFile)).toEqual([])
    // And the stored alerts are what evaluating the stored reports once, in order, gives.
    expect(storedAlertKeys(t!.dbFile)).toEqual(await replayedAlertKeys(t!.dbFile, rulesDir))
  })

  it('a read inside a job sees the rows that job wrote: an alert expired in the job cannot then be resolved in it', async () => {
    await start()
    await batch(onRoute(3, 'R'))
    const [raised] = await feed()
    const id = raised!.alert.id
    const vigil = t!.app.vigil
    const later = Date.parse('2026-04-30T00:00:00Z')
    // One job: the sweep expires the alert (it leaves the in-memory index; its row is held),
    // then a resolve reads it back by id, from SQLite, and must find it expired.
    const job = vigil.queue.run(() => {
      vigil.evaluator.expire(later)
      return vigil.lifecycle.resolve(id, 'officer', null, later)
    })
    await expect(job).rejects.toMatchObject({ code: 'VIGIL_ALERT_TRANSITION' })
    // The refused job was rolled back whole: the alert is open, in memory and on disk.
    const row = storedRow(id)!
    expect(row.status).toBe('open')
    const ack = await vigil.queue.run(() => vigil.lifecycle.acknowledge(id, 'officer', null, later))
    expect(ack.alert.status).toBe('acknowledged')
    expect(storedRow(id)).toEqual(lastSnapshot(id))
    expect(storedRow(id)).toMatchObject({ status: 'acknowledged', seq: ack.alert.seq })
    expect(consistencyProblems(t!.dbFile)).toEqual([])
  })

  it('a keyframe written by a rolled-back job is never the base of a later change', async () => {
    await start()
    await batch(onRoute(3, 'R'))
    const [raised] = await feed()
    const id = raised!.alert.id
    const vigil = t!.app.vigil
    const now = t!.clock()
    // A resolution with a long note changes most of the snapshot: stored whole (a keyframe). The
    // job then fails, so that keyframe and its seq are rolled back.
    const refused = vigil.queue.run(() => {
      vigil.lifecycle.resolve(id, 'officer', 'n'.repeat(3000), now)
      throw new Error('refused after the write')
    })
    await expect(refused).rejects.toThrow('refused after the write')
    // The next change takes the freed seq; it must patch against the keyframe still stored.
    const ack = await vigil.queue.run(() => vigil.lifecycle.acknowledge(id, 'officer', null, now))
    expect(ack.alert).toMatchObject({ status: 'acknowledged', statusReason: null })
    expect(lastSnapshot(id)).toEqual(storedRow(id))
    expect(consistencyProblems(t!.dbFile)).toEqual([])
  })

  it('an alert ended and raised again under its identity in one job stores both rows (one active per identity)', async () => {
    await start()
    await batch(onRoute(3, 'R'))
    const [raised] = await feed()
    const first = raised!.alert
    const vigil = t!.app.vigil
    const now = t!.clock()
    const stored = vigil.reports.get('R3')!.report
    const again = { ...stored, id: 'R4', occurredAt: '2026-03-01T05:00:00.000Z' }
    // One job: the alert is resolved (its row held), then a new report raises a fresh alert on
    // the same route, whose insert needs the resolved row written first.
    const changes = await vigil.queue.run(() => {
      vigil.lifecycle.resolve(first.id, 'officer', null, now)
      return vigil.evaluator.reportChanged({ before: null, after: again, reportId: again.id }, now)
    })
    expect(changes).toMatchObject([{ kind: 'raised' }])
    const second = changes[0]!.alertId
    expect(second).not.toBe(first.id)
    expect(storedRow(first.id)).toMatchObject({ status: 'resolved', identity: first.identity })
    expect(storedRow(second)).toMatchObject({ status: 'open', identity: first.identity })
    // A raised alert's snapshot leaves out the follow-up fields its row reads back as null.
    for (const id of [first.id, second]) expect(storedRow(id)).toMatchObject(lastSnapshot(id))
  })
})
