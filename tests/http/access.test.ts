import { afterEach, describe, expect, it } from 'vitest'
import { keysCommand } from '../../src/cli/keys-commands.js'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'
import type { Role } from '../../src/auth/roles.js'

/**
 * Every route x role x in-scope/out-of-scope mission, with the expected status, and no
 * out-of-scope data in any body. Scoped keys (analyst, joc) belong to MINUSMA; the other
 * mission's data is MINUSCA's, marked so a leak is easy to see.
 */

const LEAK = 'SECRET-MINUSCA'
const IN = { mission: 'MINUSMA', report: 'IN-1', narrative: 'in scope' }
const OUT = { mission: 'MINUSCA', report: 'OUT-1', narrative: LEAK }

type Who = 'analyst' | 'joc' | 'hq' | 'admin' | 'partner'
const WHO: Who[] = ['analyst', 'joc', 'hq', 'admin', 'partner']
/** The partner key's organisation: the seeded reports and alerts of both missions are released to it. */
const ORG = 'ocha'

interface World {
  t: TestApp
  tokens: Record<Who, string>
  ids: Record<Who, string>
  alert: { in: number; out: number }
  silence: { in: number; out: number }
  revokable: string
}

let world: World | undefined
afterEach(async () => { await world?.t.close(); world = undefined })

async function setup(config: Record<string, unknown> = {}): Promise<World> {
  const t = await testApp({ auth: true, now: '2026-03-18T12:00:00Z', rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }), config })
  const v = t.app.vigil
  const make = (role: Role, missions?: string[]) => v.queue.run(() => v.keyAdmin.create({ name: `${role} key`, role, ...(missions ? { missions } : {}), ...(role === 'partner' ? { org: ORG } : {}) }, { keyId: null, name: 'test setup' }, t.clock()))
  const made = { analyst: await make('analyst', ['MINUSMA']), joc: await make('joc', ['MINUSMA']), hq: await make('hq'), admin: await make('admin'), partner: await make('partner', ['MINUSMA']) }
  const tokens = { analyst: made.analyst.token, joc: made.joc.token, hq: made.hq.token, admin: made.admin.token, partner: made.partner.token }
  const ids = { analyst: made.analyst.key.id, joc: made.joc.key.id, hq: made.hq.key.id, admin: made.admin.key.id, partner: made.partner.key.id }
  const revokable = (await make('analyst', ['MINUSMA'])).key.id
  await make('admin')
  const seed = async (s: typeof IN) => {
    const poster = (await make('analyst', [s.mission])).token
    const res = await t.app.inject({ method: 'POST', url: '/reports', headers: { authorization: `Bearer ${poster}` }, payload: report({ id: s.report, mission: s.mission, occurredAt: '2026-03-18T08:00:00Z', narrative: s.narrative, releasableTo: [ORG] }) })
    expect(res.statusCode, res.body).toBe(201)
    const joc = (await make('joc', [s.mission])).token
    const alertId = (res.json() as { alerts: { alertId: number }[] }).alerts[0]!.alertId
    const released = await t.app.inject({ method: 'POST', url: `/alerts/${alertId}/release`, headers: { authorization: `Bearer ${joc}` }, payload: { to: [ORG] } })
    expect(released.statusCode, released.body).toBe(200)
    const silence = await v.queue.run(() => v.lifecycle.createSilence({ matchers: { mission: s.mission, level: 'strategic' }, endsAt: Date.parse('2026-03-25T00:00:00Z'), reason: `quiet ${s.narrative}`, author: 'setup' }, t.clock()))
    return { alert: (res.json() as { alerts: { alertId: number }[] }).alerts[0]!.alertId, silence: silence.silence.id }
  }
  const a = await seed(IN)
  const b = await seed(OUT)
  return { t, tokens, ids, alert: { in: a.alert, out: b.alert }, silence: { in: a.silence, out: b.silence }, revokable }
}

interface Case {
  name: string
  req: (w: World, s: 'in' | 'out') => { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: unknown }
  /** Expected status per role, in scope and out of scope (hq and admin see every mission). */
  expect: Record<Exclude<Who, 'partner'>, [number, number]> & { partner?: [number, number] }
}

const sc = (s: 'in' | 'out') => (s === 'in' ? IN : OUT)
/** A partner key reaches only its own routes (and the taxonomy, the gazetteer, whoami): 403 elsewhere. */
const all = (status: number, partner: [number, number] = [403, 403]): Record<Who, [number, number]> => ({ analyst: [status, status], joc: [status, status], hq: [status, status], admin: [status, status], partner })
const only = (role: Who, ok: [number, number], other = 403): Record<Who, [number, number]> => ({ ...all(other), [role]: ok })

const CASES: Case[] = [
  { name: 'GET /taxonomy', req: () => ({ method: 'GET', url: '/taxonomy' }), expect: all(200, [200, 200]) },
  { name: 'GET /taxonomy/:code', req: () => ({ method: 'GET', url: '/taxonomy/HOS.IED' }), expect: all(200, [200, 200]) },
  {
    name: 'POST /reports', expect: only('analyst', [201, 403]),
    req: (_w, s) => ({ method: 'POST', url: '/reports', payload: report({ id: `NEW-${s}`, mission: sc(s).mission, occurredAt: '2026-03-18T09:00:00Z' }) }),
  },
  {
    name: 'POST /reports/batch', expect: only('analyst', [200, 200]),
    req: (_w, s) => ({ method: 'POST', url: '/reports/batch', payload: [report({ id: `NEWB-${s}`, mission: sc(s).mission, occurredAt: '2026-03-18T09:00:00Z' })] }),
  },
  {
    name: 'PUT /reports/:id', expect: only('analyst', [200, 404]),
    req: (_w, s) => ({ method: 'PUT', url: `/reports/${sc(s).report}`, payload: report({ id: sc(s).report, mission: sc(s).mission, occurredAt: '2026-03-18T08:00:00Z', narrative: `${sc(s).narrative} (revised)` }) }),
  },
  { name: 'DELETE /reports/:id', expect: only('analyst', [200, 404]), req: (_w, s) => ({ method: 'DELETE', url: `/reports/${sc(s).report}` }) },
  {
    name: 'GET /reports/:id', req: (_w, s) => ({ method: 'GET', url: `/reports/${sc(s).report}` }),
    expect: { analyst: [200, 404], joc: [200, 404], hq: [200, 200], admin: [403, 403] },
  },
  {
    name: 'GET /reports?mission=', req: (_w, s) => ({ method: 'GET', url: `/reports?mission=${sc(s).mission}` }),
    expect: { analyst: [200, 403], joc: [200, 403], hq: [200, 200], admin: [403, 403] },
  },
  { name: 'GET /reports', req: () => ({ method: 'GET', url: '/reports' }), expect: { ...all(200), admin: [403, 403] } },
  { name: 'GET /alerts', req: () => ({ method: 'GET', url: '/alerts?silenced=include&inhibited=include' }), expect: { ...all(200), admin: [403, 403] } },
  {
    name: 'GET /alerts?mission=', req: (_w, s) => ({ method: 'GET', url: `/alerts?mission=${sc(s).mission}` }),
    expect: { analyst: [200, 403], joc: [200, 403], hq: [200, 200], admin: [403, 403] },
  },
  {
    name: 'GET /alerts/:id', req: (w, s) => ({ method: 'GET', url: `/alerts/${w.alert[s]}` }),
    expect: { analyst: [200, 404], joc: [200, 404], hq: [200, 200], admin: [403, 403] },
  },
  {
    name: 'GET /alerts/:id/history', req: (w, s) => ({ method: 'GET', url: `/alerts/${w.alert[s]}/history` }),
    expect: { analyst: [200, 404], joc: [200, 404], hq: [200, 200], admin: [403, 403] },
  },
  {
    name: 'GET /alerts/summary?mission=', req: (_w, s) => ({ method: 'GET', url: `/alerts/summary?mission=${sc(s).mission}` }),
    expect: { analyst: [200, 403], joc: [200, 403], hq: [200, 200], admin: [403, 403] },
  },
  { name: 'GET /alerts/summary', req: () => ({ method: 'GET', url: '/alerts/summary' }), expect: { ...all(200), admin: [403, 403] } },
  { name: 'POST /alerts/:id/ack', expect: only('joc', [200, 404]), req: (w, s) => ({ method: 'POST', url: `/alerts/${w.alert[s]}/ack`, payload: {} }) },
  { name: 'POST /alerts/:id/resolve', expect: only('joc', [200, 404]), req: (w, s) => ({ method: 'POST', url: `/alerts/${w.alert[s]}/resolve`, payload: { note: 'done' } }) },
  { name: 'POST /alerts/:id/assign', expect: only('joc', [200, 404]), req: (w, s) => ({ method: 'POST', url: `/alerts/${w.alert[s]}/assign`, payload: { to: 'Sector East JOC' } }) },
  {
    name: 'POST /alerts/:id/actions', expect: only('joc', [201, 404]),
    req: (w, s) => ({ method: 'POST', url: `/alerts/${w.alert[s]}/actions`, payload: { action: 'Froze the route', unit: 'Sector East', startedAt: '2026-03-18T11:00:00Z', outcome: 'done' } }),
  },
  {
    name: 'GET /alerts/:id/actions', req: (w, s) => ({ method: 'GET', url: `/alerts/${w.alert[s]}/actions` }),
    expect: { analyst: [200, 404], joc: [200, 404], hq: [200, 200], admin: [403, 403] },
  },
  {
    name: 'GET /indicators/:id/performance?mission=', req: (_w, s) => ({ method: 'GET', url: `/indicators/HOS-103/performance?mission=${sc(s).mission}` }),
    expect: { analyst: [200, 403], joc: [200, 403], hq: [200, 200], admin: [403, 403] },
  },
  {
    name: 'POST /silences', expect: only('joc', [201, 403]),
    req: (_w, s) => ({ method: 'POST', url: '/silences', payload: { matchers: { mission: sc(s).mission }, endsAt: '2026-03-19T00:00:00Z', reason: 'exercise' } }),
  },
  { name: 'GET /silences', req: () => ({ method: 'GET', url: '/silences' }), expect: { analyst: [403, 403], joc: [200, 200], hq: [200, 200], admin: [403, 403] } },
  { name: 'DELETE /silences/:id', expect: only('joc', [200, 404]), req: (w, s) => ({ method: 'DELETE', url: `/silences/${w.silence[s]}` }) },
  { name: 'GET /rules', req: () => ({ method: 'GET', url: '/rules' }), expect: all(200) },
  { name: 'GET /rules/:id', req: () => ({ method: 'GET', url: '/rules/HOS-103' }), expect: all(200) },
  { name: 'GET /rules/status', req: () => ({ method: 'GET', url: '/rules/status' }), expect: only('hq', [200, 200]) },
  { name: 'POST /rules/reload', req: () => ({ method: 'POST', url: '/rules/reload' }), expect: only('hq', [200, 200]) },
  {
    name: 'POST /rules/preview', expect: only('hq', [200, 200]),
    req: () => ({ method: 'POST', url: '/rules/preview', payload: { rule: PER_INCIDENT, from: '2026-03-01T00:00:00Z', to: '2026-03-18T12:00:00Z' } }),
  },
  {
    name: 'POST /rules/drafts', expect: { analyst: [201, 403], joc: [403, 403], hq: [201, 201], admin: [403, 403] },
    req: (_w, s) => ({ method: 'POST', url: '/rules/drafts', payload: { rule: PER_INCIDENT, mission: sc(s).mission } }),
  },
  { name: 'GET /rules/drafts', req: () => ({ method: 'GET', url: '/rules/drafts' }), expect: { analyst: [200, 200], joc: [403, 403], hq: [200, 200], admin: [403, 403] } },
  { name: 'GET /audit', req: () => ({ method: 'GET', url: '/audit' }), expect: { analyst: [403, 403], joc: [403, 403], hq: [200, 200], admin: [200, 200] } },
  { name: 'GET /whoami', req: () => ({ method: 'GET', url: '/whoami' }), expect: all(200, [200, 200]) },
  { name: 'GET /keys', req: () => ({ method: 'GET', url: '/keys' }), expect: only('admin', [200, 200]) },
  { name: 'POST /keys', req: () => ({ method: 'POST', url: '/keys', payload: { name: 'new', role: 'hq' } }), expect: only('admin', [201, 201]) },
  { name: 'DELETE /keys/:id', req: (w) => ({ method: 'DELETE', url: `/keys/${w.revokable}` }), expect: only('admin', [200, 200]) },
  { name: 'GET /gazetteer', req: () => ({ method: 'GET', url: '/gazetteer' }), expect: all(200, [200, 200]) },
  { name: 'GET /gazetteer/:mission', req: () => ({ method: 'GET', url: '/gazetteer/MINUSCA' }), expect: all(200, [200, 200]) },
  { name: 'GET /gazetteer/status', req: () => ({ method: 'GET', url: '/gazetteer/status' }), expect: only('hq', [200, 200]) },
  { name: 'POST /gazetteer/reload', req: () => ({ method: 'POST', url: '/gazetteer/reload' }), expect: only('hq', [200, 200]) },
  { name: 'GET /notifications', req: () => ({ method: 'GET', url: '/notifications' }), expect: { analyst: [403, 403], joc: [200, 200], hq: [200, 200], admin: [200, 200] } },
  {
    name: 'GET /notifications?alert=', req: (w, s) => ({ method: 'GET', url: `/notifications?alert=${w.alert[s]}` }),
    expect: { analyst: [403, 403], joc: [200, 200], hq: [200, 200], admin: [200, 200] },
  },
  {
    name: 'GET /cap/alerts/:id.xml', req: (w, s) => ({ method: 'GET', url: `/cap/alerts/${w.alert[s]}.xml` }),
    expect: { analyst: [200, 404], joc: [200, 404], hq: [200, 200], admin: [403, 403] },
  },
  { name: 'GET /cap/alerts.atom', req: () => ({ method: 'GET', url: '/cap/alerts.atom' }), expect: { ...all(200), admin: [403, 403] } },
  { name: 'GET /reports.geojson', req: () => ({ method: 'GET', url: '/reports.geojson' }), expect: { ...all(200), admin: [403, 403] } },
  {
    name: 'GET /reports.csv?mission=', req: (_w, s) => ({ method: 'GET', url: `/reports.csv?mission=${sc(s).mission}` }),
    expect: { analyst: [200, 403], joc: [200, 403], hq: [200, 200], admin: [403, 403] },
  },
  { name: 'GET /alerts.geojson', req: () => ({ method: 'GET', url: '/alerts.geojson?silenced=include&inhibited=include' }), expect: { ...all(200), admin: [403, 403] } },
  {
    name: 'GET /alerts.csv?mission=', req: (_w, s) => ({ method: 'GET', url: `/alerts.csv?mission=${sc(s).mission}` }),
    expect: { analyst: [200, 403], joc: [200, 403], hq: [200, 200], admin: [403, 403] },
  },
  {
    name: 'GET /briefs/:mission/latest', req: (_w, s) => ({ method: 'GET', url: `/briefs/${sc(s).mission}/latest` }),
    expect: { analyst: [404, 403], joc: [404, 403], hq: [404, 404], admin: [403, 403] },
  },
  { name: 'GET /briefs/HQ/latest', req: () => ({ method: 'GET', url: '/briefs/HQ/latest' }), expect: { analyst: [403, 403], joc: [403, 403], hq: [404, 404], admin: [403, 403] } },
  { name: 'GET /routing/status', req: () => ({ method: 'GET', url: '/routing/status' }), expect: only('hq', [200, 200]) },
  { name: 'GET /metrics', req: () => ({ method: 'GET', url: '/metrics' }), expect: { analyst: [403, 403], joc: [403, 403], hq: [200, 200], admin: [200, 200] } },
  // Sharing with partners (issue 20): the JOC releases; a partner reads what is released to it.
  { name: 'POST /alerts/:id/release', expect: only('joc', [200, 404]), req: (w, s) => ({ method: 'POST', url: `/alerts/${w.alert[s]}/release`, payload: { to: ['unicef'] } }) },
  { name: 'GET /partner/alerts', req: () => ({ method: 'GET', url: '/partner/alerts' }), expect: only('partner', [200, 200]) },
  { name: 'GET /partner/alerts/:id', req: (w, s) => ({ method: 'GET', url: `/partner/alerts/${w.alert[s]}` }), expect: only('partner', [200, 404]) },
  { name: 'GET /partner/reports', req: () => ({ method: 'GET', url: '/partner/reports' }), expect: only('partner', [200, 200]) },
  { name: 'GET /partner/reports?mission=', req: (_w, s) => ({ method: 'GET', url: `/partner/reports?mission=${sc(s).mission}` }), expect: only('partner', [200, 403]) },
  { name: 'GET /partner/reports/:id', req: (_w, s) => ({ method: 'GET', url: `/partner/reports/${sc(s).report}` }), expect: only('partner', [200, 404]) },
  {
    name: 'POST /partner/reports', expect: only('partner', [201, 403]),
    req: (_w, s) => ({ method: 'POST', url: '/partner/reports', payload: report({ id: `NEWP-${s}`, mission: sc(s).mission, occurredAt: '2026-03-18T09:00:00Z' }) }),
  },
]
// Cases written before the partner role: a partner key is refused (403) on every one of them.
for (const c of CASES) c.expect.partner ??= [403, 403]

/** Only to ask a case its method before any world exists. */
const WORLD_FOR_SHAPE = { alert: { in: 1, out: 2 }, silence: { in: 1, out: 2 }, revokable: 'k' } as World

describe('access: every route x role x mission scope', () => {
  for (const c of CASES) {
    // A write changes the world; every other case shares one.
    const writes = c.req(WORLD_FOR_SHAPE, 'in').method !== 'GET'
    it(c.name, async () => {
      for (const who of WHO) {
        for (const s of ['in', 'out'] as const) {
          if (!world) world = await setup()
          const r = c.req(world, s)
          const res = await world.t.app.inject({ ...r, payload: r.payload as object, headers: { authorization: `Bearer ${world.tokens[who]}` } })
          expect(res.statusCode, `${who} ${s}: ${res.body.slice(0, 200)}`).toBe(c.expect[who]![s === 'in' ? 0 : 1])
          // Scoped keys never see another mission's data, whatever the route answered.
          if (who === 'analyst' || who === 'joc' || who === 'partner') expect(res.body, `${who} ${s} leaked`).not.toContain(LEAK)
          // A partner never reads a narrative or a source, not even of a report released to it.
          if (who === 'partner') for (const hidden of [IN.narrative, 'patrol-report']) expect(res.body, `partner ${s} saw '${hidden}'`).not.toContain(hidden)
          if (c.name === 'POST /reports/batch' && who === 'analyst' && s === 'out') expect(res.json().results[0].status).toBe(403)
          // Only a write that went through changes the world (a refused one leaves an audit record, nothing else).
          if (writes && res.statusCode < 400) {
            await world.t.close()
            world = undefined
          }
        }
      }
    })
  }

  it('list endpoints hold only the key\'s missions', async () => {
    world = await setup()
    const get = (url: string) => world!.t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${world!.tokens.analyst}` } })
    expect((await get('/reports')).json().items.map((r: { id: string }) => r.id)).toEqual(['IN-1'])
    expect((await get('/alerts?silenced=include&inhibited=include')).json().changes.every((c: { alert: { mission: string } }) => c.alert.mission === 'MINUSMA')).toBe(true)
    expect((await get('/alerts/summary')).json().total).toBe(1)
    // Exports hold the key's missions only too.
    expect((await get('/reports.csv')).body).toContain('IN-1')
    expect((await get('/reports.csv')).body).not.toContain('OUT-1')
    expect(JSON.parse((await get('/alerts.geojson')).body).features.map((f: { properties: { mission: string } }) => f.properties.mission)).toEqual(['MINUSMA'])
    expect((await get('/cap/alerts.atom')).body).not.toContain('MINUSCA')
    const joc = await world.t.app.inject({ method: 'GET', url: '/silences', headers: { authorization: `Bearer ${world.tokens.joc}` } })
    expect(joc.json().silences.map((s: { matchers: { mission: string } }) => s.matchers.mission)).toEqual(['MINUSMA'])
    const hq = await world.t.app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${world.tokens.hq}` } })
    expect(hq.json().items.map((r: { id: string }) => r.id)).toEqual(['IN-1', 'OUT-1'])
  })
})

describe('no counting or probing across missions', () => {
  it('an id conflict answers alike whoever holds the id, and never with the other mission\'s revision', async () => {
    world = await setup()
    const as = (who: Who, method: 'POST', url: string, payload: object) =>
      world!.t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${world!.tokens[who]}` } })
    // MINUSCA revises its report twice: a 409 that named revision 3 would tell MINUSMA so.
    const v = world.t.app.vigil
    const minusca = (await v.queue.run(() => v.keyAdmin.create({ name: 'MINUSCA analyst', role: 'analyst', missions: ['MINUSCA'] }, { keyId: null, name: 'test' }, world!.t.clock()))).token
    const revise = (payload: object) => world!.t.app.inject({ method: 'PUT', url: '/reports/OUT-1', payload, headers: { authorization: `Bearer ${minusca}` } })
    for (const n of [2, 3]) expect((await revise(report({ id: 'OUT-1', mission: 'MINUSCA', occurredAt: '2026-03-18T08:00:00Z', narrative: `${LEAK} v${n}` }))).statusCode).toBe(200)
    const theirs = await as('analyst', 'POST', '/reports', report({ id: 'OUT-1', mission: 'MINUSMA', occurredAt: '2026-03-18T09:00:00Z', narrative: 'probe' }))
    const ours = await as('analyst', 'POST', '/reports', report({ id: 'IN-1', mission: 'MINUSMA', occurredAt: '2026-03-18T09:00:00Z', narrative: 'probe' }))
    expect([theirs.statusCode, ours.statusCode]).toEqual([409, 409])
    const shape = (body: string, id: string) => body.replaceAll(id, '<id>')
    expect(shape(theirs.body, 'OUT-1')).toBe(shape(ours.body, 'IN-1'))
    expect(theirs.json()).not.toHaveProperty('revision')
    expect(theirs.body).not.toContain(LEAK)
  })

  it('a scoped key\'s feed cursor, change numbers and ETag say nothing of other missions\' changes, and still give each change once', async () => {
    world = await setup()
    const get = (who: Who, url: string, headers: Record<string, string> = {}) =>
      world!.t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${world!.tokens[who]}`, ...headers } })
    const v = world.t.app.vigil
    const writer = (await v.queue.run(() => v.keyAdmin.create({ name: 'writer', role: 'analyst', missions: ['MINUSMA', 'MINUSCA'] }, { keyId: null, name: 'test' }, world!.t.clock()))).token
    const postAs = (id: string, mission: string) => world!.t.app.inject({ method: 'POST', url: '/reports', headers: { authorization: `Bearer ${writer}` }, payload: report({ id, mission, occurredAt: '2026-03-18T09:00:00Z' }) })

    const first = await get('joc', '/alerts?after=0')
    const page = first.json() as { changes: { seq: unknown; alert: { seq: unknown } }[]; nextCursor: unknown }
    expect(page.changes).toHaveLength(1)
    // Tokens, not numbers, wherever the global sequence would show.
    expect(page.nextCursor).toMatch(/^c_/)
    expect(page.changes[0]!.seq).toMatch(/^c_/)
    expect(page.changes[0]!.alert.seq).toMatch(/^c_/)
    expect(first.headers.etag).not.toMatch(/W\/"\d+"/)
    const cursor = page.nextCursor as string

    // Other missions change: the scoped key's view does not move, not even its ETag.
    for (let i = 0; i < 5; i++) expect((await postAs(`OTHER-${i}`, 'MINUSCA')).statusCode).toBe(201)
    const after = await get('joc', `/alerts?after=${cursor}`)
    expect(after.json().changes).toEqual([])
    expect(after.headers.etag).toBe(first.headers.etag)
    expect((await get('joc', `/alerts?after=${cursor}`, { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304)
    // Two tokens for the same place differ: they cannot be compared to learn anything.
    expect(after.json().nextCursor).not.toBe(cursor)

    // Its own mission's change arrives once, following either token.
    expect((await postAs('MINE-1', 'MINUSMA')).statusCode).toBe(201)
    for (const c of [cursor, after.json().nextCursor as string]) {
      const next = (await get('joc', `/alerts?after=${c}`)).json() as { changes: { alert: { mission: string } }[]; nextCursor: string }
      expect(next.changes.map((x) => x.alert.mission)).toEqual(['MINUSMA'])
      expect((await get('joc', `/alerts?after=${next.nextCursor}`)).json().changes).toEqual([])
    }
    // A token that is not the service's is a 400; an unscoped key keeps the numeric cursor.
    expect((await get('joc', `/alerts?after=c_${'A'.repeat(59)}`)).statusCode).toBe(400)
    const hq = (await get('hq', '/alerts?after=0')).json() as { changes: { seq: number }[]; nextCursor: number }
    expect(hq.changes.map((c) => c.seq)).toEqual(hq.changes.map((_, i) => i + 1))
    expect(hq.nextCursor).toBe(hq.changes.length)
    // The stream alike: event ids are tokens, and resuming from one gives what followed it.
    const url = await world.t.app.listen({ port: 0, host: '127.0.0.1' })
    const res = await fetch(`${url}/alerts/stream?after=0`, { headers: { authorization: `Bearer ${world.tokens.joc}` } })
    const reader = res.body!.getReader()
    let text = ''
    while ((text.match(/event: alert/g) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    const ids = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]!)
    expect(ids).toHaveLength(2)
    expect(ids.every((id) => /^c_/.test(id))).toBe(true)
    const resumed = await fetch(`${url}/alerts/stream`, { headers: { authorization: `Bearer ${world.tokens.joc}`, 'last-event-id': ids[0]! } })
    const r2 = resumed.body!.getReader()
    let text2 = ''
    while (!text2.includes('event: alert')) text2 += new TextDecoder().decode((await r2.read()).value)
    await r2.cancel()
    expect(text2).toContain('MINE-1')
    expect(text2).not.toContain(LEAK)
  })
})

describe('keys', () => {
  it('refuses a missing, malformed, unknown or revoked token with 401, at once', async () => {
    world = await setup()
    const get = (authorization?: string) => world!.t.app.inject({ method: 'GET', url: '/reports', headers: authorization ? { authorization } : {} })
    expect((await get()).statusCode).toBe(401)
    expect((await get()).headers['www-authenticate']).toContain('Bearer')
    expect((await get('Basic abc')).statusCode).toBe(401)
    expect((await get('Bearer short')).statusCode).toBe(401)
    expect((await get(`Bearer ${world.tokens.analyst}x`)).statusCode).toBe(401)
    expect((await get(`Bearer ${world.tokens.analyst}`)).statusCode).toBe(200)
    const revoke = await world.t.app.inject({ method: 'DELETE', url: `/keys/${world.ids.analyst}`, headers: { authorization: `Bearer ${world.tokens.admin}` } })
    expect(revoke.statusCode).toBe(200)
    expect((await get(`Bearer ${world.tokens.analyst}`)).statusCode).toBe(401)
  })

  it('honours `vigil keys` run beside the service: a new key works at once, a revocation within 100 ms', async () => {
    world = await setup()
    const env = { VIGIL_DB: world.t.dbFile }
    const get = (token: string) => world!.t.app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${token}` } })
    // The keys are in memory now: the next commands change them behind the service's back.
    expect((await get(world.tokens.analyst)).statusCode).toBe(200)
    let printed = ''
    const out = { write: (s: string) => { printed += s } }
    expect(keysCommand(['create', '--role', 'analyst', '--mission', 'MINUSMA', '--name', 'script'], out, { write: () => undefined }, env)).toBe(0)
    const token = /(vgl_[A-Za-z0-9_-]{43})/.exec(printed)![1]!
    expect((await get(token)).statusCode).toBe(200)
    expect(keysCommand(['revoke', world.ids.analyst], { write: () => undefined }, { write: () => undefined }, env)).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect((await get(world.tokens.analyst)).statusCode).toBe(401)
    expect((await get(token)).statusCode).toBe(200)
  })

  it('ends an open alert stream when its key is revoked: over HTTP at once, by `vigil keys` within a heartbeat', async () => {
    // A heartbeat far away: the HTTP revocation must end the stream without it.
    world = await setup({ sseHeartbeatMs: 60_000 })
    /** Opens a stream with a token; the returned function says, within `ms`, whether the server ended it. */
    const streamFor = async (url: string, token: string) => {
      // From the head: no backlog, only what comes.
      const res = await fetch(`${url}/alerts/stream?after=${world!.t.app.vigil.alerts.lastSeq()}`, { headers: { authorization: `Bearer ${token}` } })
      expect(res.status).toBe(200)
      const reader = res.body!.getReader()
      const ended = (async () => { while (!(await reader.read()).done); return 'ended' as const })()
      return (ms: number) => Promise.race([ended, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms))])
    }
    const url = await world.t.app.listen({ port: 0, host: '127.0.0.1' })
    const joc = await streamFor(url, world.tokens.joc)
    const hq = await streamFor(url, world.tokens.hq)
    expect(await joc(200)).toBe('open')
    const revoke = await world.t.app.inject({ method: 'DELETE', url: `/keys/${world.ids.joc}`, headers: { authorization: `Bearer ${world.tokens.admin}` } })
    expect(revoke.statusCode).toBe(200)
    expect(await joc(5_000)).toBe('ended')
    // Another key's stream goes on.
    expect(await hq(200)).toBe('open')
    await world.t.close()

    world = await setup({ sseHeartbeatMs: 200 })
    const joc2 = await streamFor(await world.t.app.listen({ port: 0, host: '127.0.0.1' }), world.tokens.joc)
    expect(keysCommand(['revoke', world.ids.joc], { write: () => undefined }, { write: () => undefined }, { VIGIL_DB: world.t.dbFile })).toBe(0)
    expect(await joc2(5_000)).toBe('ended')
  })

  it('answers a long poll whose key is revoked while it waits with a 401, not with what came after', async () => {
    world = await setup()
    const headers = (token: string) => ({ authorization: `Bearer ${token}` })
    const cursor = (await world.t.app.inject({ method: 'GET', url: '/alerts', headers: headers(world.tokens.joc) })).json().nextCursor as number
    const waiting = world.t.app.inject({ method: 'GET', url: `/alerts?after=${cursor}&wait=20`, headers: headers(world.tokens.joc) })
    await new Promise((resolve) => setTimeout(resolve, 100))
    const revoke = await world.t.app.inject({ method: 'DELETE', url: `/keys/${world.ids.joc}`, headers: headers(world.tokens.admin) })
    expect(revoke.statusCode).toBe(200)
    // A change after the revocation: the waiting poll must not carry it.
    const posted = await world.t.app.inject({ method: 'POST', url: '/reports', headers: headers(world.tokens.analyst), payload: report({ id: 'AFTER-REVOKE', mission: 'MINUSMA', occurredAt: '2026-03-18T09:00:00Z' }) })
    expect(posted.statusCode).toBe(201)
    const res = await waiting
    expect(res.statusCode).toBe(401)
    expect(res.body).not.toContain('AFTER-REVOKE')
  })

  it('stores tokens only as hashes, shows a token once, and keeps the last admin key', async () => {
    world = await setup()
    const created = await world.t.app.inject({ method: 'POST', url: '/keys', headers: { authorization: `Bearer ${world.tokens.admin}` }, payload: { name: 'JMAC Gao', role: 'analyst', missions: ['MINUSMA'] } })
    const { token, key } = created.json()
    expect(token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/)
    const list = await world.t.app.inject({ method: 'GET', url: '/keys', headers: { authorization: `Bearer ${world.tokens.admin}` } })
    expect(list.body).not.toContain(token)
    expect(list.body).not.toContain('token_hash')
    expect(list.json().keys.find((k: { id: string }) => k.id === key.id)).toMatchObject({ name: 'JMAC Gao', role: 'analyst', missions: ['MINUSMA'], active: true })
    const bad = await world.t.app.inject({ method: 'POST', url: '/keys', headers: { authorization: `Bearer ${world.tokens.admin}` }, payload: { name: 'x', role: 'joc', missions: ['NOPE'] } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().problems[0].path).toBe('missions.0')
    const others = world.t.app.vigil.keys.list().filter((k) => k.role === 'admin' && k.id !== world!.ids.admin)
    for (const k of others) {
      expect((await world.t.app.inject({ method: 'DELETE', url: `/keys/${k.id}`, headers: { authorization: `Bearer ${world.tokens.admin}` } })).statusCode).toBe(200)
    }
    const last = await world.t.app.inject({ method: 'DELETE', url: `/keys/${world.ids.admin}`, headers: { authorization: `Bearer ${world.tokens.admin}` } })
    expect(last.statusCode).toBe(409)
    expect(last.json().code).toBe('VIGIL_LAST_ADMIN_KEY')
  })
})

describe('GET /whoami', () => {
  it("answers any valid key with its role, missions, areas and permissions, and 401 without one", async () => {
    world = await setup()
    const who = (token?: string) => world!.t.app.inject({ method: 'GET', url: '/whoami', headers: token ? { authorization: `Bearer ${token}` } : {} })
    const analyst = await who(world.tokens.analyst)
    expect(analyst.statusCode).toBe(200)
    expect(analyst.json()).toEqual({
      keyId: world.ids.analyst, name: 'analyst key', role: 'analyst', missions: ['MINUSMA'], areas: null,
      permissions: ['reports:write', 'reports:read', 'alerts:read', 'taxonomy:read', 'rules:read', 'rules:propose', 'reports:restricted'],
    })
    // The first admin key a newcomer holds: keys and the audit log, no mission data.
    const admin = (await who(world.tokens.admin)).json()
    expect(admin).toMatchObject({ role: 'admin', missions: null, areas: null })
    expect(admin.permissions).toEqual(['taxonomy:read', 'rules:read', 'audit:read', 'keys:manage', 'metrics:read', 'notifications:read'])
    expect(admin.permissions).not.toContain('reports:read')
    const none = await who()
    expect(none.statusCode).toBe(401)
    expect((await who('vgl_not-a-real-token-at-all-000000')).statusCode).toBe(401)
  })
})

describe('audit trail', () => {
  it('holds one record per write with the right actor, refused writes included, and cannot be edited', async () => {
    world = await setup()
    const as = (who: Who, method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      world!.t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${world!.tokens[who]}` } })
    const before = world.t.app.vigil.auditReader.list({}, 0, 1000).length
    await as('analyst', 'POST', '/reports', report({ id: 'AUD-1', occurredAt: '2026-03-18T09:00:00Z' }))
    await as('analyst', 'POST', '/reports', report({ id: 'AUD-2', mission: 'MINUSCA', occurredAt: '2026-03-18T09:00:00Z' }))
    await as('analyst', 'PUT', '/reports/AUD-1', report({ id: 'AUD-1', occurredAt: '2026-03-18T09:00:00Z', narrative: 'corrected' }))
    await as('analyst', 'DELETE', '/reports/AUD-1')
    await as('joc', 'POST', `/alerts/${world.alert.in}/ack`, {})
    await as('joc', 'POST', `/alerts/${world.alert.in}/resolve`, {})
    await as('joc', 'POST', '/silences', { matchers: { mission: 'MINUSMA' }, endsAt: '2026-03-19T00:00:00Z', reason: 'drill' })
    await as('joc', 'DELETE', `/silences/${world.silence.in}`)
    await as('hq', 'POST', '/rules/reload')
    await as('admin', 'POST', '/keys', { name: 'new', role: 'hq' })
    const records = world.t.app.vigil.auditReader.list({}, 0, 1000).slice(before)
    expect(records.map((r) => [r.action, r.keyName, r.target, r.outcome])).toEqual([
      ['report.create', 'analyst key', 'AUD-1', 'success'],
      ['report.create', 'analyst key', 'AUD-2', 'VIGIL_OUT_OF_SCOPE'],
      ['report.revise', 'analyst key', 'AUD-1', 'success'],
      ['report.retract', 'analyst key', 'AUD-1', 'success'],
      ['alert.ack', 'joc key', String(world.alert.in), 'success'],
      ['alert.resolve', 'joc key', String(world.alert.in), 'success'],
      ['silence.create', 'joc key', null, 'success'],
      ['silence.delete', 'joc key', String(world.silence.in), 'success'],
      ['rules.reload', 'hq key', null, 'success'],
      ['key.create', 'admin key', expect.stringMatching(/^key_/), 'success'],
    ])
    expect(records.every((r) => r.requestId !== null && r.at > 0)).toBe(true)
    const audit = await world.t.app.inject({ method: 'GET', url: '/audit?action=report', headers: { authorization: `Bearer ${world.tokens.hq}` } })
    expect(audit.json().records.filter((r: { target: string }) => r.target === 'AUD-1')).toHaveLength(3)
  })

  it('is append-only in the database itself', async () => {
    world = await setup()
    const Database = (await import('better-sqlite3')).default
    const db = new Database(world.t.dbFile)
    try {
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/)
      expect(() => db.prepare("UPDATE audit_log SET outcome = 'x'").run()).toThrow(/append-only/)
    } finally {
      db.close()
    }
  })
})

describe('abuse limits', () => {
  it('answers 429 with Retry-After past the per-key limit, and recovers after the window', async () => {
    world = await setup({ rateLimitPerMinute: 3, rateLimitWindowMs: 400 })
    const get = () => world!.t.app.inject({ method: 'GET', url: '/taxonomy', headers: { authorization: `Bearer ${world!.tokens.joc}` } })
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await get()).statusCode)
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200])
    const limited = await get()
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBeDefined()
    // Another key has its own budget.
    expect((await world.t.app.inject({ method: 'GET', url: '/taxonomy', headers: { authorization: `Bearer ${world.tokens.hq}` } })).statusCode).toBe(200)
    await new Promise((r) => setTimeout(r, 500))
    expect((await get()).statusCode).toBe(200)
  })

  it('sends the security headers on refusals too (401, 403)', async () => {
    world = await setup()
    const refused = [
      await world.t.app.inject({ method: 'GET', url: '/alerts' }),
      await world.t.app.inject({ method: 'POST', url: '/reports', payload: {}, headers: { authorization: `Bearer ${world.tokens.joc}` } }),
    ]
    expect(refused.map((r) => r.statusCode)).toEqual([401, 403])
    for (const res of refused) {
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
    }
  })

  it('serves the docs page with security headers and health checks without a key', async () => {
    world = await setup()
    const docs = await world.t.app.inject({ method: 'GET', url: '/docs' })
    expect(docs.statusCode).toBe(200)
    expect(docs.headers['content-type']).toContain('text/html')
    expect(docs.headers['content-security-policy']).toBeDefined()
    expect(docs.headers['x-content-type-options']).toBe('nosniff')
    expect((await world.t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    expect((await world.t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
  })
})
