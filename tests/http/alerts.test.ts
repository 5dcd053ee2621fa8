import { afterEach, describe, expect, it } from 'vitest'
import { createBeside, testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER, PER_INCIDENT } from '../helpers/test-rules.js'


const RULES = { 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER, 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

async function start(opts: { dbFile?: string; now?: string } = {}) {
  t = await testApp({ rulesDir: writeRules(RULES), now: opts.now ?? '2026-03-01T00:00:00Z', ...(opts.dbFile ? { dbFile: opts.dbFile } : {}) })
  return t
}

const ied = (id: string, day: string, over: Record<string, unknown> = {}) => report({ id, occurredAt: `2026-03-${day}T08:00:00Z`, ...over })
/** Posts a report the way a live feed does: the clock moves to an hour after it happened, never back. */
const post = async (body: Record<string, unknown>) => {
  const arrives = Date.parse(String(body.occurredAt)) + 3_600_000
  if (arrives > t!.clock()) t!.clock.set(arrives)
  const res = await t!.app.inject({ method: 'POST', url: '/reports', payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { alerts: { alertId: number; kind: string; level: string }[] }
}
const get = (url: string, headers: Record<string, string> = {}) => t!.app.inject({ method: 'GET', url, headers })
type Page = { changes: { seq: number; kind: string; alert: { id: number; status: string; level: string; silenced: boolean; inhibited: boolean } }[]; nextCursor: number }

describe('polling the change feed', () => {
  it('a poller following nextCursor sees every change exactly once, in order, while reports arrive concurrently', async () => {
    await start()
    const seen: number[] = []
    let cursor = 0
    const poll = async () => {
      const page = (await get(`/alerts?after=${cursor}&limit=3&inhibited=include&silenced=include`)).json() as Page
      seen.push(...page.changes.map((c) => c.seq))
      cursor = page.nextCursor
    }
    const reports = Array.from({ length: 30 }, (_, i) => ied(`P${i}`, String(10 + (i % 9)).padStart(2, '0'), { location: { route: `MSR-${i % 4}` } }))
    t!.clock.set('2026-03-19T00:00:00Z')
    const posting = Promise.all(reports.map((r) => t!.app.inject({ method: 'POST', url: '/reports', payload: r })))
    for (let i = 0; i < 20; i++) await poll()
    await posting
    for (let i = 0; i < 40; i++) await poll()
    const all = t!.app.vigil.alerts.changesAfter(0, 10_000, { silenced: 'include', inhibited: 'include' }).changes.map((c) => c.seq)
    expect(all.length).toBeGreaterThan(10)
    expect(seen).toEqual(all)
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1))
  })

  it('the cursor survives a restart of the service', async () => {
    const first = await start()
    await post(ied('R1', '18'))
    await post(ied('R2', '19'))
    const page = (await get('/alerts')).json() as Page
    expect(page.changes.map((c) => c.kind)).toEqual(['raised', 'raised', 'raised'])
    await first.app.close()
    t = await testApp({ rulesDir: writeRules(RULES), now: '2026-03-19T09:00:00Z', dbFile: first.dbFile })
    await post(ied('R3', '19', { occurredAt: '2026-03-19T10:00:00Z' }))
    const next = (await get(`/alerts?after=${page.nextCursor}&inhibited=include`)).json() as Page
    expect(next.changes[0]!.seq).toBe(page.nextCursor + 1)
    // R3 makes the route operational; the per-incident tactical alerts on it are now covered by it.
    expect(next.changes.map((c) => c.kind)).toEqual(['escalated', 'raised', 'inhibited', 'inhibited'])
  })

  it('filters by mission, level, minimum grade, status, taxonomy, admin1 and indicator', async () => {
    await start()
    await post(ied('R1', '18'))
    await post(ied('R2', '19', { location: { admin1: 'Mopti' } }))
    await post(ied('M1', '19', { mission: 'MINUSCA', location: { admin1: 'Ouaka' } }))
    const count = async (q: string) => ((await get(`/alerts?${q}`)).json() as Page).changes.length
    expect(await count('')).toBe(4)
    expect(await count('mission=MINUSCA')).toBe(1)
    expect(await count('level=tactical&indicator=HOS-101')).toBe(1)
    expect(await count('minGrade=high')).toBe(3)
    expect(await count('minGrade=critical')).toBe(0)
    expect(await count('taxonomy=HOS')).toBe(4)
    expect(await count('taxonomy=HOS.IED')).toBe(1)
    expect(await count('taxonomy=POC')).toBe(0)
    // The area filter matches every alert with an input inside the area: the incident in Mopti
    // and the MSR-1 cluster it is part of, though the cluster is scoped by route.
    expect(await count('admin1=Mopti')).toBe(2)
    expect(await count('status=open')).toBe(4)
    const bad = await get('/alerts?level=regional')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().problems[0].path).toBe('query.level')
  })

  it('answers 304 to If-None-Match when nothing changed, and 200 once something did', async () => {
    await start()
    await post(ied('R1', '18'))
    const first = await get('/alerts?after=0')
    const etag = first.headers.etag as string
    expect(etag).toBeTruthy()
    expect((await get('/alerts?after=0', { 'if-none-match': etag })).statusCode).toBe(304)
    await post(ied('R2', '19'))
    const changed = await get('/alerts?after=0', { 'if-none-match': etag })
    expect(changed.statusCode).toBe(200)
    expect(changed.headers.etag).not.toBe(etag)
  })

  it('a caught-up poll, answered without reading the log, never misses a change committed between two polls', async () => {
    await start()
    const all = { silenced: 'include', inhibited: 'include' } as const
    const changesAfter = (after: number) => t!.app.vigil.alerts.changesAfter(after, 1000, all)
    const seen: number[] = []
    let cursor = 0
    const poll = async () => {
      const page = (await get(`/alerts?after=${cursor}&silenced=include&inhibited=include`)).json() as Page
      seen.push(...page.changes.map((c) => c.seq))
      cursor = page.nextCursor
      return page.changes.map((c) => c.kind)
    }
    expect(await poll()).toEqual([])
    expect(cursor).toBe(0)
    // Each write lands between two polls of a caught-up poller; the repeated polls reuse the cached head.
    await post(ied('R1', '18'))
    expect(await poll()).toContain('raised')
    expect(await poll()).toEqual([])
    expect(await poll()).toEqual([])
    const alertId = changesAfter(0).changes[0]!.alertId
    expect((await t!.app.inject({ method: 'POST', url: `/alerts/${alertId}/ack`, payload: {} })).statusCode).toBe(200)
    expect(await poll()).toEqual(['acknowledged'])
    await post(ied('R2', '19'))
    expect((await poll()).length).toBeGreaterThan(0)
    expect(seen).toEqual(changesAfter(0).changes.map((c) => c.seq))
    expect(cursor).toBe(t!.app.vigil.alerts.lastSeq())
    // Caught up or ahead, the answer is exactly what a read of the log gives.
    for (const after of [cursor, cursor + 5]) {
      expect(changesAfter(after)).toEqual({ changes: [], nextCursor: after })
      expect((await get(`/alerts?after=${after}`)).json()).toEqual({ changes: [], nextCursor: after })
    }
  })

  it('a caught-up poll sees, within 100 ms, a change another process committed to the same database (vigil import beside the service)', async () => {
    await start()
    const cursor = ((await get('/alerts')).json() as Page).nextCursor
    expect(((await get(`/alerts?after=${cursor}`)).json() as Page).changes).toEqual([])
    // A second writer on the same file, as `vigil import` runs while the service serves.
    expect(await createBeside(t!, ied('IMPORTED-1', '18'), '2026-03-18T09:00:00Z')).toBe(201)
    // Within 100 ms (the feed head's check for other writers).
    await new Promise((resolve) => setTimeout(resolve, 120))
    const page = (await get(`/alerts?after=${cursor}`)).json() as Page
    expect(page.changes.map((c) => c.kind)).toContain('raised')
  })

  it('a waiting long poll is woken by a change another process committed, long before its wait ends', async () => {
    await start()
    const cursor = ((await get('/alerts')).json() as Page).nextCursor
    const started = Date.now()
    const waiting = get(`/alerts?after=${cursor}&wait=20`)
    await new Promise((r) => setTimeout(r, 100))
    expect(await createBeside(t!, ied('IMPORTED-1', '18'), '2026-03-18T09:00:00Z')).toBe(201)
    const res = await waiting
    expect((res.json() as Page).changes.map((c) => c.kind)).toContain('raised')
    // Answered by the change, not by the end of its 20 s wait.
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('a long poll returns as soon as a change lands, and times out cleanly with nothing', async () => {
    await start()
    const cursor = ((await get('/alerts')).json() as Page).nextCursor
    const started = Date.now()
    const waiting = get(`/alerts?after=${cursor}&wait=20`)
    await new Promise((r) => setTimeout(r, 100))
    await post(ied('R1', '18'))
    const res = await waiting
    expect(res.statusCode).toBe(200)
    expect((res.json() as Page).changes.map((c) => c.kind)).toEqual(['raised'])
    expect(Date.now() - started).toBeLessThan(10_000)

    const idle = await get(`/alerts?after=${(res.json() as Page).nextCursor}&wait=1`)
    expect(idle.statusCode).toBe(200)
    expect(idle.json()).toEqual({ changes: [], nextCursor: (res.json() as Page).nextCursor })
  })
})

describe('lifecycle', () => {
  const act = (id: number, action: 'ack' | 'resolve', by = 'JOC duty officer') =>
    t!.app.inject({ method: 'POST', url: `/alerts/${id}/${action}`, payload: { by, note: 'seen at morning brief' } })

  it('open -> acknowledged -> resolved, each recorded with who and when; repeats are harmless', async () => {
    await start()
    const id = (await post(ied('R1', '18'))).alerts[0]!.alertId
    const ack = await act(id, 'ack')
    expect(ack.statusCode).toBe(200)
    expect(ack.json()).toMatchObject({ changed: true, alert: { status: 'acknowledged', acknowledged: { by: 'JOC duty officer', at: '2026-03-18T09:00:00.000Z' } } })
    expect((await act(id, 'ack')).json().changed).toBe(false)
    const res = await act(id, 'resolve', 'Chief JOC')
    expect(res.json()).toMatchObject({ changed: true, alert: { status: 'resolved', resolved: { by: 'Chief JOC' } } })
    expect((await act(id, 'resolve')).statusCode).toBe(200)
    const history = (await get(`/alerts/${id}/history`)).json()
    expect(history.changes.map((c: { kind: string; actor: string | null }) => [c.kind, c.actor])).toEqual([
      ['raised', null], ['acknowledged', 'JOC duty officer'], ['resolved', 'Chief JOC'],
    ])
  })

  it('refuses illegal transitions with a 409, and unknown alerts with a 404', async () => {
    await start()
    const id = (await post(ied('R1', '18'))).alerts[0]!.alertId
    await act(id, 'resolve')
    const res = await act(id, 'ack')
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'VIGIL_ALERT_TRANSITION', status: 'resolved' })
    expect((await act(999, 'ack')).statusCode).toBe(404)
    const badBody = await t!.app.inject({ method: 'POST', url: `/alerts/${id}/ack`, payload: { by: 'x', urgency: 'high' } })
    expect(badBody.statusCode).toBe(400)
    expect(badBody.json().problems[0].path).toBe('')
  })

  it('an escalation re-opens an acknowledged alert', async () => {
    await start()
    await post(ied('R1', '15'))
    const id = (await post(ied('R2', '16'))).alerts.find((a) => a.level === 'tactical' && a.kind === 'raised')!.alertId
    await act(id, 'ack')
    const escalated = await post(ied('R3', '17'))
    expect(escalated.alerts.find((a) => a.alertId === id)).toMatchObject({ kind: 'escalated', level: 'operational' })
    expect((await get(`/alerts/${id}`)).json()).toMatchObject({ status: 'open', statusReason: 'escalated after acknowledgement' })
  })
})

describe('silences', () => {
  it('hide matching alerts from the default poll (still stored, shown on request) and then expire', async () => {
    await start()
    const created = await t!.app.inject({
      method: 'POST', url: '/silences',
      payload: { matchers: { indicator: 'HOS-103', admin1: 'Gao' }, endsAt: '2026-03-21T00:00:00Z', reason: 'known exercise near Gao', author: 'JOC chief' },
    })
    expect(created.statusCode).toBe(201)
    const id = (await post(ied('R1', '19'))).alerts[0]!.alertId
    expect(((await get('/alerts')).json() as Page).changes).toEqual([])
    const shown = (await get('/alerts?silenced=only')).json() as Page
    expect(shown.changes.map((c) => [c.alert.id, c.alert.silenced])).toEqual([[id, true]])
    expect((await get(`/alerts/${id}`)).json().silenced).toBe(true)
    expect((await get('/silences')).json().silences).toHaveLength(1)

    t!.clock.set('2026-03-21T00:00:01Z')
    const swept = await t!.app.vigil.sweep()
    expect(swept.map((c) => c.kind)).toEqual(['unsilenced'])
    const after = (await get('/alerts')).json() as Page
    expect(after.changes.map((c) => [c.kind, c.alert.id])).toEqual([['unsilenced', id]])
    expect((await get('/silences')).json().silences).toEqual([])
    expect((await get('/silences?all=true')).json().silences[0]).toMatchObject({ active: false, endedBy: 'expiry' })
  })

  it('a silence created over active alerts flags them; deleting it releases them', async () => {
    await start()
    const id = (await post(ied('R1', '19'))).alerts[0]!.alertId
    const created = (await t!.app.inject({
      method: 'POST', url: '/silences',
      payload: { matchers: { taxonomy: 'HOS' }, endsAt: '2026-03-22T00:00:00Z', reason: 'maintenance', author: 'a' },
    })).json()
    expect(created.alertsSilenced).toBe(1)
    const del = await t!.app.inject({ method: 'DELETE', url: `/silences/${created.silence.id}`, payload: { by: 'b' } })
    expect(del.json()).toMatchObject({ alertsUnsilenced: 1, silence: { active: false, endedBy: 'b' } })
    expect((await get(`/alerts/${id}`)).json().silenced).toBe(false)
  })

  it('always has an end: refuses no end, a past end, more than 90 days, or no matcher', async () => {
    await start()
    const bad = async (payload: Record<string, unknown>, path: string) => {
      const res = await t!.app.inject({ method: 'POST', url: '/silences', payload: { matchers: { mission: 'MINUSMA' }, reason: 'why not', author: 'x', ...payload } })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().problems.map((p: { path: string }) => p.path)).toContain(path)
    }
    await bad({}, 'endsAt')
    await bad({ endsAt: '2026-02-01T00:00:00Z' }, 'endsAt')
    await bad({ endsAt: '2026-06-01T00:00:00Z' }, 'endsAt')
    await bad({ endsAt: '2026-03-02T00:00:00Z', matchers: {} }, 'matchers')
  })
})

describe('inhibition', () => {
  it('leaves lower-level alerts covered by a higher one out of the default poll, and releases them when it ends', async () => {
    await start()
    await post(ied('R1', '15'))
    await post(ied('R2', '16'))
    const res = await post(ied('R3', '17'))
    // HOS-101 is now operational on route MSR-1: it covers the per-incident tactical alerts there.
    const operational = res.alerts.find((a) => a.level === 'operational')!.alertId
    const tacticals = t!.app.vigil.alerts.all().filter((a) => a.level === 'tactical' && a.indicatorId === 'HOS-103')
    expect(tacticals).toHaveLength(3)
    expect(tacticals.every((a) => a.inhibited)).toBe(true)
    const defaultFeed = (await get('/alerts')).json() as Page
    expect(defaultFeed.changes.some((c) => c.alert.inhibited)).toBe(false)
    expect(((await get('/alerts?inhibited=only')).json() as Page).changes.length).toBeGreaterThanOrEqual(3)

    // Resolving the operational alert releases them: they come back into the default feed.
    const resolved = await t!.app.inject({ method: 'POST', url: `/alerts/${operational}/resolve`, payload: { by: 'JOC' } })
    expect(resolved.statusCode).toBe(200)
    const after = (await get(`/alerts?after=${defaultFeed.nextCursor}`)).json() as Page
    expect(after.changes.map((c) => c.kind).sort()).toEqual(['released', 'released', 'released', 'resolved'])
  })
})

describe('summary', () => {
  it('counts by level, grade, status and category, and lists the open high and critical alerts, in JSON and Markdown', async () => {
    await start()
    await post(ied('R1', '15'))
    await post(ied('R2', '16'))
    await post(ied('R3', '17', { casualties: { killed: { un: { military: 1 } } } }))
    await post(ied('X1', '17', { mission: 'MINUSCA', location: { admin1: 'Ouaka', route: 'RN2' } }))
    const s = (await get('/alerts/summary?mission=MINUSMA&from=2026-03-01T00:00:00Z')).json()
    const alerts = t!.app.vigil.alerts.all().filter((a) => a.mission === 'MINUSMA')
    expect(s.total).toBe(alerts.length)
    expect(s.byLevel).toEqual({ operational: 1, tactical: 3 })
    expect(s.byGrade).toEqual({ critical: 1, high: 3 })
    expect(s.byStatus).toEqual({ open: 4 })
    expect(s.byCategory).toEqual({ HOS: 4 })
    expect(s.open.map((a: { level: string; grade: string }) => `${a.level} ${a.grade}`)).toEqual(['operational critical', 'tactical high', 'tactical high', 'tactical high'])

    const md = await get('/alerts/summary?mission=MINUSMA&from=2026-03-01T00:00:00Z', { accept: 'text/markdown' })
    expect(md.headers['content-type']).toContain('text/markdown')
    expect(md.body).toContain('# Alert summary: MINUSMA')
    expect(md.body).toContain('| operational | 1 |')
    expect(md.body).toContain('3 IED incidents within 14 days on route MSR-1, 1 peacekeeper killed')
  })
})

describe('GET /metrics', () => {
  it('reports accepted and rejected by reason, alerts by level, grade and status, evaluation latency, the rule set and clients', async () => {
    await start()
    await post(ied('R1', '18'))
    await post(ied('R1', '18'))
    await t!.app.inject({ method: 'POST', url: '/reports', payload: ied('BAD', '18', { category: 'NOPE' }) })
    await t!.app.inject({ method: 'POST', url: '/reports/batch', payload: [ied('B1', '18'), { broken: true }] })
    const res = await get('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    const text = res.body
    expect(text).toContain('vigil_reports_total{outcome="accepted",reason=""} 2')
    expect(text).toContain('vigil_reports_total{outcome="replayed",reason=""} 1')
    expect(text).toContain('vigil_reports_total{outcome="rejected",reason="VIGIL_VALIDATION"} 2')
    expect(text).toMatch(/vigil_alerts\{level="tactical",grade="high",status="open"\} 2/)
    expect(text).toMatch(/vigil_evaluation_seconds_count 2/)
    expect(text).toMatch(new RegExp(`vigil_rule_set_info\\{version="${t!.rules.current().version}"\\} 1`))
    expect(text).toContain('vigil_rules_loaded 2')
    expect(text).toContain('vigil_stream_clients 0')
    expect(text).toContain('vigil_poll_waiting_clients 0')
    // Both accepted reports (one mission) are held in memory for the aggregates of the indicators they matched.
    const rows = Number(/vigil_indicator_inputs_in_memory\{kind="rows"\} (\d+)/.exec(text)?.[1])
    const series = Number(/vigil_indicator_inputs_in_memory\{kind="series"\} (\d+)/.exec(text)?.[1])
    expect(series).toBeGreaterThanOrEqual(1)
    expect(rows).toBeGreaterThanOrEqual(2)
  })
})
