import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'
import { keysCommand } from '../../src/cli/keys-commands.js'
import type { Role } from '../../src/auth/roles.js'

/**
 * Sharing with partners and need-to-know reports (issue 20): what a partner key sees, what it
 * may post, and how restricted reports count in alerts while their content stays withheld.
 */

let t: TestApp
let keys: Record<'analyst' | 'joc' | 'hq' | 'ocha' | 'unicef', string>

beforeEach(async () => {
  t = await testApp({ auth: true, now: '2026-03-18T12:00:00Z', rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }) })
  const v = t.app.vigil
  const make = async (role: Role, org?: string) => (await v.queue.run(() => v.keyAdmin.create({ name: `${org ?? role} key`, role, missions: ['MINUSMA'], ...(org ? { org } : {}) }, { keyId: null, name: 'test' }, t.clock()))).token
  keys = { analyst: await make('analyst'), joc: await make('joc'), hq: await make('hq'), ocha: await make('partner', 'ocha'), unicef: await make('partner', 'unicef') }
})
afterEach(async () => { await t.close() })

const as = (who: keyof typeof keys, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${keys[who]}` }, ...(payload ? { payload } : {}) })

/** Posts a report as the analyst; returns the id of the alert it raised (the rule raises one per incident). */
async function post(over: Record<string, unknown>): Promise<number> {
  const res = await as('analyst', 'POST', '/reports', report({ occurredAt: '2026-03-18T08:00:00Z', narrative: 'NARRATIVE-TEXT', ...over }))
  expect(res.statusCode, res.body).toBe(201)
  return res.json().alerts[0]?.alertId as number
}

describe('a partner key', () => {
  it('sees only the reports released to its organisation, redacted, never a restricted one', async () => {
    await post({ id: 'R-RELEASED', releasableTo: ['ocha'], sensitivity: 'public', source: { channel: 'unpol', sourceId: 'SOURCE-NAME' }, casevac: { injuredAt: '2026-03-18T08:00:00Z' } })
    await post({ id: 'R-OTHER', releasableTo: ['unicef'] })
    await post({ id: 'R-INTERNAL' })
    await post({ id: 'R-RESTRICTED', sensitivity: 'restricted' })
    const list = await as('ocha', 'GET', '/partner/reports')
    expect(list.statusCode).toBe(200)
    expect(list.json().items.map((r: { id: string }) => r.id)).toEqual(['R-RELEASED'])
    const one = await as('ocha', 'GET', '/partner/reports/R-RELEASED')
    expect(one.statusCode).toBe(200)
    expect(one.json()).toMatchObject({ id: 'R-RELEASED', category: 'HOS.IED', sensitivity: 'public', place: { admin1: 'Gao' } })
    for (const hidden of ['NARRATIVE-TEXT', 'SOURCE-NAME', 'releasableTo', 'casevac', 'unpol']) expect(one.body).not.toContain(hidden)
    for (const id of ['R-OTHER', 'R-INTERNAL', 'R-RESTRICTED']) expect((await as('ocha', 'GET', `/partner/reports/${id}`)).statusCode).toBe(404)
    // The mission's own routes are closed to it.
    expect((await as('ocha', 'GET', '/reports/R-RELEASED')).statusCode).toBe(403)
  })

  it('pages through the reports released to it, however many are not', async () => {
    for (let i = 0; i < 7; i++) await post({ id: `P-${i}`, occurredAt: `2026-03-1${i}T08:00:00Z`, ...(i % 2 === 0 ? { releasableTo: ['ocha'] } : {}) })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await as('ocha', 'GET', `/partner/reports?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.statusCode).toBe(200)
      seen.push(...page.json().items.map((r: { id: string }) => r.id))
      cursor = page.json().nextCursor
    } while (cursor)
    expect(seen).toEqual(['P-0', 'P-2', 'P-4', 'P-6'])
  })

  it('sees an alert only once the JOC released it to its organisation; its inputs not released to it are counted, not named', async () => {
    const alertId = await post({ id: 'A-1', releasableTo: ['ocha'] })
    expect((await as('ocha', 'GET', `/partner/alerts/${alertId}`)).statusCode).toBe(404)
    expect((await as('ocha', 'GET', '/partner/alerts')).json().items).toEqual([])
    const release = await as('joc', 'POST', `/alerts/${alertId}/release`, { to: ['ocha'], note: 'OCHA access negotiation' })
    expect(release.statusCode, release.body).toBe(200)
    expect(release.json().releases).toMatchObject([{ org: 'ocha', releasedBy: 'joc key', note: 'OCHA access negotiation' }])
    const seen = await as('ocha', 'GET', `/partner/alerts/${alertId}`)
    expect(seen.statusCode).toBe(200)
    expect(seen.json()).toMatchObject({ id: alertId, level: 'tactical', inputs: ['A-1'], withheldInputs: 0, releasedAt: '2026-03-18T12:00:00.000Z' })
    for (const hidden of ['explanation', 'response', 'assignee', 'NARRATIVE-TEXT']) expect(seen.body).not.toContain(hidden)
    expect((await as('ocha', 'GET', '/partner/alerts')).json().items.map((a: { id: number }) => a.id)).toEqual([alertId])
    // Another organisation sees nothing of it; the same alert seen by unicef is a 404.
    expect((await as('unicef', 'GET', `/partner/alerts/${alertId}`)).statusCode).toBe(404)
    // Released to unicef too, whose key may not read the report behind it: counted, not named.
    expect((await as('joc', 'POST', `/alerts/${alertId}/release`, { to: ['unicef'] })).statusCode).toBe(200)
    expect((await as('unicef', 'GET', `/partner/alerts/${alertId}`)).json()).toMatchObject({ inputs: [], withheldInputs: 1 })
  })

  it('cannot act on alerts, release them, or read the feed', async () => {
    const alertId = await post({ id: 'A-2', releasableTo: ['ocha'] })
    await as('joc', 'POST', `/alerts/${alertId}/release`, { to: ['ocha'] })
    for (const [method, url, payload] of [
      ['POST', `/alerts/${alertId}/ack`, {}], ['POST', `/alerts/${alertId}/resolve`, { note: 'x' }],
      ['POST', `/alerts/${alertId}/release`, { to: ['ocha'] }], ['GET', '/alerts', undefined], ['GET', `/alerts/${alertId}`, undefined],
    ] as const) {
      expect((await as('ocha', method, url, payload)).statusCode, `${method} ${url}`).toBe(403)
    }
  })

  it('posts a report of its own: marked as the organisation\'s, its reliability capped at C, visible to it and to the mission', async () => {
    const res = await as('ocha', 'POST', '/partner/reports', report({ id: 'OCHA-1', occurredAt: '2026-03-18T09:00:00Z', source: { reliability: 'A', credibility: 1, channel: 'humanitarian-partner' } }))
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().report).toMatchObject({ id: 'OCHA-1', postedBy: 'ocha' })
    expect(res.body).not.toContain('IED strike on a logistics convoy')
    const internal = (await as('analyst', 'GET', '/reports/OCHA-1')).json().report
    expect(internal).toMatchObject({ partnerOrg: 'ocha', source: { reliability: 'C', credibility: 1, channel: 'humanitarian-partner' } })
    // The retry replays; a D stays a D (the cap only lowers).
    const again = await as('ocha', 'POST', '/partner/reports', report({ id: 'OCHA-1', occurredAt: '2026-03-18T09:00:00Z', source: { reliability: 'A', credibility: 1, channel: 'humanitarian-partner' } }))
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    await as('ocha', 'POST', '/partner/reports', report({ id: 'OCHA-2', occurredAt: '2026-03-18T09:30:00Z', source: { reliability: 'D', credibility: 3 } }))
    expect((await as('analyst', 'GET', '/reports/OCHA-2')).json().report.source.reliability).toBe('D')
    expect((await as('ocha', 'GET', '/partner/reports')).json().items.map((r: { id: string }) => r.id)).toEqual(['OCHA-1', 'OCHA-2'])
    expect((await as('unicef', 'GET', '/partner/reports/OCHA-1')).statusCode).toBe(404)
    // It writes only through its own route, and only in its missions.
    expect((await as('ocha', 'POST', '/reports', report({ id: 'OCHA-3' }))).statusCode).toBe(403)
    expect((await as('ocha', 'POST', '/partner/reports', report({ id: 'OCHA-4', mission: 'MINUSCA' }))).statusCode).toBe(403)
  })

  it('has every read audited, refused ones included', async () => {
    await post({ id: 'AUD-1', releasableTo: ['ocha'] })
    await as('ocha', 'GET', '/partner/reports/AUD-1')
    await as('ocha', 'GET', '/partner/reports/NOPE')
    await as('ocha', 'GET', '/partner/alerts')
    const v = t.app.vigil
    const admin = (await v.queue.run(() => v.keyAdmin.create({ name: 'admin', role: 'admin' }, { keyId: null, name: 'test' }, t.clock()))).token
    const audit = await t.app.inject({ method: 'GET', url: '/audit?action=partner.read', headers: { authorization: `Bearer ${admin}` } })
    expect(audit.statusCode, audit.body).toBe(200)
    const records = audit.json().records as { keyName: string; target: string | null; outcome: string }[]
    expect(records.map((r) => [r.keyName, r.target, r.outcome])).toEqual(expect.arrayContaining([
      ['ocha key', 'AUD-1', 'success'], ['ocha key', 'NOPE', 'VIGIL_REPORT_NOT_FOUND'], ['ocha key', null, 'success'],
    ]))
  })
})

describe('partner keys', () => {
  it('need an organisation, which other roles may not have', async () => {
    const v = t.app.vigil
    const admin = (await v.queue.run(() => v.keyAdmin.create({ name: 'admin', role: 'admin' }, { keyId: null, name: 'test' }, t.clock()))).token
    const create = (payload: object) => t.app.inject({ method: 'POST', url: '/keys', headers: { authorization: `Bearer ${admin}` }, payload })
    const missing = await create({ name: 'OCHA', role: 'partner', missions: ['MINUSMA'] })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().problems.map((p: { path: string }) => p.path)).toEqual(['org'])
    expect((await create({ name: 'JOC', role: 'joc', missions: ['MINUSMA'], org: 'ocha' })).json().problems.map((p: { path: string }) => p.path)).toEqual(['org'])
    expect((await create({ name: 'OCHA', role: 'partner', missions: ['MINUSMA'], org: 'OCHA Bangui' })).statusCode).toBe(400)
    const made = await create({ name: 'OCHA', role: 'partner', missions: ['MINUSMA'], org: 'ocha' })
    expect(made.statusCode).toBe(201)
    expect(made.json().key).toMatchObject({ role: 'partner', org: 'ocha', missions: ['MINUSMA'] })
  })

  it('are made by `vigil keys create --role partner --org`', async () => {
    let printed = ''
    let errors = ''
    const env = { VIGIL_DB: t.dbFile }
    expect(keysCommand(['create', '--role', 'partner', '--mission', 'MINUSMA', '--org', 'pnc-gao', '--name', 'Host-state police liaison'], { write: (s: string) => { printed += s } }, { write: () => undefined }, env)).toBe(0)
    expect(printed).toContain('org: pnc-gao')
    const token = /(vgl_[A-Za-z0-9_-]{43})/.exec(printed)![1]!
    await new Promise((resolve) => setTimeout(resolve, 120))
    const whoami = await t.app.inject({ method: 'GET', url: '/whoami', headers: { authorization: `Bearer ${token}` } })
    expect(whoami.json()).toMatchObject({ role: 'partner', org: 'pnc-gao' })
    expect(keysCommand(['create', '--role', 'partner', '--mission', 'MINUSMA', '--name', 'no org'], { write: () => undefined }, { write: (s: string) => { errors += s } }, env)).not.toBe(0)
    expect(errors).toContain('org')
  })
})

describe('restricted reports', () => {
  it('count in the alert, are read by the JMAC and hq only, and appear to the JOC as withheld inputs', async () => {
    const alertId = await post({ id: 'SGBV-1', category: 'HOS.IED', sensitivity: 'restricted', narrative: 'SURVIVOR-DETAILS' })
    for (const who of ['analyst', 'hq'] as const) expect((await as(who, 'GET', '/reports/SGBV-1')).statusCode).toBe(200)
    expect((await as('joc', 'GET', '/reports/SGBV-1')).statusCode).toBe(404)
    for (const url of ['/reports', '/reports.csv', '/reports.geojson']) expect((await as('joc', 'GET', url)).body, url).not.toContain('SGBV-1')
    expect((await as('analyst', 'GET', '/reports')).json().items.map((r: { id: string }) => r.id)).toEqual(['SGBV-1'])
    const joc = await as('joc', 'GET', `/alerts/${alertId}`)
    expect(joc.statusCode).toBe(200)
    expect(joc.json()).toMatchObject({ count: 1, inputs: [], withheldInputs: 1 })
    expect(joc.body).not.toContain('SURVIVOR-DETAILS')
    const hq = (await as('hq', 'GET', `/alerts/${alertId}`)).json()
    expect(hq).toMatchObject({ inputs: ['SGBV-1'] })
    expect(hq).not.toHaveProperty('withheldInputs')
  })
})
