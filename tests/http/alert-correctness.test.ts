import { afterEach, describe, expect, it } from 'vitest'
import { STANDARD_RULES_DIR } from '../../src/paths.js'
import { testApp, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'

/**
 * An alert always reflects its current inputs (issue 15, items 1-4): a revision can lower or
 * withdraw the alert it stays on, words are recomputed with the facts, a change nobody can see
 * is not written, and a first cluster has no trend ratio. The standard library, MINUSMA reports.
 */

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const NOW = '2026-03-20T12:00:00Z'
type Alert = { id: number; status: string; level: string; grade: string; count: number; summary: string; trend: number | null; facts: Record<string, number | null>; explanation: unknown }

async function start() {
  t = await testApp({ rulesDir: STANDARD_RULES_DIR, now: NOW })
}
const send = (method: 'POST' | 'PUT', body: Record<string, unknown>) =>
  t!.app.inject({ method, url: method === 'POST' ? '/reports' : `/reports/${body.id as string}`, payload: body })
const alertOf = async (id: number) => (await t!.app.inject({ method: 'GET', url: `/alerts/${id}` })).json() as Alert
const history = async (id: number) => ((await t!.app.inject({ method: 'GET', url: `/alerts/${id}/history` })).json() as { changes: { kind: string }[] }).changes.map((c) => c.kind)
async function raisedBy(body: Record<string, unknown>, indicator: string) {
  const res = await send('POST', body)
  expect(res.statusCode, res.body).toBe(201)
  const a = (res.json() as { alerts: { alertId: number; indicatorId: string; kind: string }[] }).alerts.find((x) => x.indicatorId === indicator)
  return a?.alertId
}
const ied = (id: string, day: string, over: Record<string, unknown> = {}) => report({ id, occurredAt: `2026-03-${day}T08:00:00Z`, ...over })

describe('an alert reflects its current inputs', () => {
  it('revising away the UN casualty of an IED strike withdraws its alert, with words that say so', async () => {
    await start()
    const id = await raisedBy(ied('IED-1', '19', { casualties: { killed: { un: { military: 1 } } } }), 'HOS-002')
    expect(await alertOf(id!)).toMatchObject({ level: 'tactical', grade: 'critical', status: 'open' })
    const revised = await send('PUT', ied('IED-1', '19'))
    expect(revised.statusCode, revised.body).toBe(200)
    const after = await alertOf(id!)
    expect(after).toMatchObject({ status: 'withdrawn' })
    expect(after.facts.unKilled).toBe(0)
    expect(after.summary).not.toContain('killed')
    expect(await history(id!)).toEqual(['raised', 'withdrawn'])
  })

  it('revising the casualty from killed to injured downgrades the alert it stays on, recorded as a downgrade', async () => {
    await start()
    const id = await raisedBy(ied('IED-2', '19', { casualties: { killed: { un: { military: 1 } } } }), 'HOS-002')
    await send('PUT', ied('IED-2', '19', { casualties: { injured: { un: { military: 1 } } } }))
    expect(await alertOf(id!)).toMatchObject({ status: 'open', grade: 'high' })
    expect(await history(id!)).toEqual(['raised', 'downgraded'])
  })

  it('moving a report out of the window withdraws the route cluster it no longer completes, and its sentence counts two', async () => {
    await start()
    await send('POST', ied('R1', '10'))
    await send('POST', ied('R2', '14'))
    const id = await raisedBy(ied('R3', '18'), 'HOS-001')
    expect(await alertOf(id!)).toMatchObject({ level: 'operational', grade: 'high', count: 3 })
    await send('PUT', ied('R2', '14', { occurredAt: '2026-02-01T08:00:00Z' }))
    const after = await alertOf(id!)
    expect(after).toMatchObject({ status: 'withdrawn', count: 2 })
    expect(after.summary).toMatch(/^2 IED incidents/)
  })

  it('a report older than every window adds no change to the alert it would touch', async () => {
    await start()
    for (const [rid, day] of [['O1', '10'], ['O2', '14']] as const) await send('POST', ied(rid, day))
    const id = await raisedBy(ied('O3', '18'), 'HOS-001')
    const before = await history(id!)
    const old = await send('POST', ied('O-OLD', '01', { occurredAt: '2025-11-01T08:00:00Z' }))
    expect(old.statusCode, old.body).toBe(201)
    expect(await history(id!)).toEqual(before)
  })

  it('a per-incident alert says where it happened', async () => {
    await start()
    const id = await raisedBy(ied('W1', '19', { casualties: { injured: { un: { military: 2 } } } }), 'HOS-002')
    expect((await alertOf(id!)).summary).toMatch(/IED strike on a UN movement .*Gao/)
  })

  it('a first cluster in a quiet district has no trend ratio: it is new, and the surge indicator still sees it', async () => {
    await start()
    const tension = (rid: string, day: string) => report({ id: rid, occurredAt: `2026-03-${day}T08:00:00Z`, category: 'COM.TENSION', location: { admin1: 'Mopti', admin2: 'Djenne' } })
    await send('POST', tension('T1', '17'))
    await send('POST', tension('T2', '18'))
    const id = await raisedBy(tension('T3', '19'), 'COM-003')
    const a = await alertOf(id!)
    expect(a.trend).toBeNull()
    expect(a.facts.baseline).toBe(0)
    expect(a.summary).toContain('new')
    expect(a.summary).not.toMatch(/\d+ times/)
  })
})
