import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { perIncident } from '../helpers/test-rules.js'

/** Each HOS report its own tactical high alert, acknowledged within 30 minutes, acted on within 2 hours. */
const PER_INCIDENT_RESPONSE = perIncident('HOS-113', `    response:
      responsible: Sector JOC
      acknowledgeWithin: 30m
      actWithin: 2h
      actions: [Freeze movement on the route segment]
`)

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

async function start(config: Record<string, unknown> = {}) {
  t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-113-incident.yaml': PER_INCIDENT_RESPONSE }), now: '2026-03-10T08:00:00Z', config })
  const res = await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'F-1', occurredAt: '2026-03-10T07:30:00Z' }) })
  expect(res.statusCode, res.body).toBe(201)
  return (res.json() as { alerts: { alertId: number }[] }).alerts[0]!.alertId
}
const post = (url: string, payload: unknown) => t!.app.inject({ method: 'POST', url, payload: payload as object })
const get = (url: string) => t!.app.inject({ method: 'GET', url })
type Change = { seq: number; kind: string; cause: string; actor: string | null; alert: { overdue: { acknowledge: boolean; act: boolean } } }
const history = async (id: number) => ((await get(`/alerts/${id}/history`)).json() as { changes: Change[] }).changes

describe('ownership and the action log', () => {
  it('assigns and reassigns an alert, each in its history and the audit trail; the same owner again changes nothing', async () => {
    const id = await start()
    const first = await post(`/alerts/${id}/assign`, { to: 'Sector East JOC', note: 'your sector' })
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toMatchObject({ changed: true, alert: { assignee: { to: 'Sector East JOC', note: 'your sector', at: '2026-03-10T08:00:00.000Z' } } })
    expect((await post(`/alerts/${id}/assign`, { to: 'Sector East JOC' })).json().changed).toBe(false)
    t!.clock.set('2026-03-10T08:05:00Z')
    const second = await post(`/alerts/${id}/assign`, { to: 'Maj. Diallo, U3', by: 'duty officer' })
    expect(second.json().alert.assignee).toMatchObject({ to: 'Maj. Diallo, U3', by: 'duty officer' })
    expect((await history(id)).filter((c) => c.kind === 'assigned').map((c) => c.cause)).toEqual([
      'assigned to Sector East JOC: your sector', 'reassigned from Sector East JOC to Maj. Diallo, U3',
    ])
    const audit = (await get('/audit?action=alert.assign')).json() as { records: { target: string; outcome: string }[] }
    expect(audit.records.map((r) => [r.target, r.outcome])).toEqual([[String(id), 'success'], [String(id), 'success'], [String(id), 'success']])
    expect((await post('/alerts/999/assign', { to: 'x' })).statusCode).toBe(404)
  })

  it('records actions with their outcome; declined and not-possible need a reason, and bad input names every field', async () => {
    const id = await start()
    const bad = await post(`/alerts/${id}/actions`, { action: 'Escort the convoy', unit: 'QRF', startedAt: '2026-03-10T07:50:00Z', endedAt: '2026-03-10T07:40:00Z', outcome: 'declined' })
    expect(bad.statusCode).toBe(400)
    expect((bad.json().problems as { path: string }[]).map((p) => p.path).sort()).toEqual(['endedAt', 'reason'])
    const future = await post(`/alerts/${id}/actions`, { action: 'Escort', unit: 'QRF', startedAt: '2026-03-11T07:50:00Z', outcome: 'done' })
    expect(future.statusCode).toBe(400)
    expect(future.json().problems[0].path).toBe('startedAt')

    const declined = await post(`/alerts/${id}/actions`, { action: 'Send the QRF to the site', unit: 'Sector East QRF', startedAt: '2026-03-10T07:45:00Z', outcome: 'declined', reason: 'QRF committed to a CASEVAC' })
    expect(declined.statusCode, declined.body).toBe(201)
    expect(declined.json().action).toMatchObject({ outcome: 'declined', reason: 'QRF committed to a CASEVAC', endedAt: null, recordedAt: '2026-03-10T08:00:00.000Z' })
    const done = await post(`/alerts/${id}/actions`, { action: 'Froze movement on MSR-1', unit: 'Sector East JOC', startedAt: '2026-03-10T07:40:00Z', endedAt: '2026-03-10T07:55:00Z', outcome: 'done' })
    expect(done.statusCode).toBe(201)
    const log = (await get(`/alerts/${id}/actions`)).json() as { actions: { action: string; outcome: string }[] }
    expect(log.actions.map((a) => [a.action, a.outcome])).toEqual([['Froze movement on MSR-1', 'done'], ['Send the QRF to the site', 'declined']])
    const kinds = (await history(id)).map((c) => [c.kind, c.cause])
    expect(kinds).toEqual([
      ['raised', 'report F-1'],
      ['action-recorded', 'declined: Send the QRF to the site (Sector East QRF); QRF committed to a CASEVAC'],
      ['action-recorded', 'done: Froze movement on MSR-1 (Sector East JOC)'],
    ])
    const audit = (await get('/audit?action=alert.action')).json() as { records: { outcome: string }[] }
    expect(audit.records.map((r) => r.outcome)).toEqual(['VIGIL_VALIDATION', 'VIGIL_VALIDATION', 'success', 'success'])
  })

  it('resolves with a disposition and a note; a resolve without a body still works and records none', async () => {
    const id = await start()
    const res = await post(`/alerts/${id}/resolve`, { disposition: 'useful', note: 'route frozen before the second device' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().alert.disposition).toEqual({ value: 'useful', note: 'route frozen before the second device' })
    expect((await history(id)).at(-1)!.cause).toBe('useful: route frozen before the second device')
    expect((await post(`/alerts/${id}/resolve`, { disposition: 'maybe' })).statusCode).toBe(400)

    const other = await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'F-2', occurredAt: '2026-03-10T07:40:00Z' }) })
    const second = (other.json() as { alerts: { alertId: number }[] }).alerts[0]!.alertId
    const bare = await post(`/alerts/${second}/resolve`, {})
    expect(bare.statusCode, bare.body).toBe(200)
    expect(bare.json().alert).toMatchObject({ status: 'resolved', disposition: null })
  })
})

describe('overdue', () => {
  it('the expiry timer flags an alert not acknowledged in time, an acknowledgement clears it; likewise no action in time, and an action clears it', async () => {
    const id = await start({ expiryIntervalMs: 100 })
    const cursor = (await get('/alerts')).json().nextCursor as number
    const waitFor = async (after: number) => ((await get(`/alerts?after=${after}&wait=5`)).json() as { changes: Change[]; nextCursor: number })
    // Raised at 08:00 with 30 min to acknowledge: at 08:29 nothing is due.
    t!.clock.set('2026-03-10T08:29:00Z')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await get(`/alerts?after=${cursor}`)).json().changes).toEqual([])

    t!.clock.set('2026-03-10T08:31:00Z')
    const late = await waitFor(cursor)
    expect(late.changes.map((c) => [c.kind, c.cause, c.alert.overdue])).toEqual([
      ['overdue', 'not acknowledged within 30m (Sector JOC)', { acknowledge: true, act: false }],
    ])
    expect((await get(`/alerts/${id}`)).json().overdue).toEqual({ acknowledge: true, act: false })

    const ack = await post(`/alerts/${id}/ack`, { note: 'seen late' })
    expect(ack.json().alert.overdue).toEqual({ acknowledge: false, act: false })
    // 2 h to act, counted from the raise: at 10:01 with no action recorded the action is overdue.
    t!.clock.set('2026-03-10T10:01:00Z')
    const noAction = await waitFor(late.nextCursor + 1)
    expect(noAction.changes.map((c) => [c.kind, c.cause, c.alert.overdue])).toEqual([
      ['overdue', 'no action recorded within 2h (Sector JOC)', { acknowledge: false, act: true }],
    ])
    const acted = await post(`/alerts/${id}/actions`, { action: 'Froze movement on MSR-1', unit: 'Sector East JOC', startedAt: '2026-03-10T09:50:00Z', outcome: 'partly' })
    expect(acted.json().alert.overdue).toEqual({ acknowledge: false, act: false })
    // Nothing is flagged twice: the timer keeps running and adds no change.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await history(id)).map((c) => c.kind)).toEqual(['raised', 'overdue', 'acknowledged', 'overdue', 'action-recorded'])
  })
})
