import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'
import { httpReceiver } from '../helpers/receivers.js'
import { lastDue } from '../../src/briefs/brief-schedule.js'

let t: TestApp | undefined
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await t?.close()
  t = undefined
  for (const c of closers.splice(0)) await c()
})

describe('brief schedule', () => {
  const daily = { mission: 'MINUSMA', every: 'day' as const, at: '07:00', timeZone: 'Africa/Bamako', weekday: 'monday' as const, receivers: [] }

  it('is due at the local time of day, today once it has passed, else yesterday', () => {
    expect(new Date(lastDue(daily, Date.parse('2026-03-18T08:00:00Z'))).toISOString()).toBe('2026-03-18T07:00:00.000Z')
    expect(new Date(lastDue(daily, Date.parse('2026-03-18T06:59:00Z'))).toISOString()).toBe('2026-03-17T07:00:00.000Z')
    // Bangui is UTC+1: 07:00 there is 06:00 UTC.
    expect(new Date(lastDue({ ...daily, timeZone: 'Africa/Bangui' }, Date.parse('2026-03-18T06:30:00Z'))).toISOString()).toBe('2026-03-18T06:00:00.000Z')
  })

  it('goes out weekly on its weekday', () => {
    // 2026-03-18 is a Wednesday: the last Monday 07:00 was the 16th.
    expect(new Date(lastDue({ ...daily, every: 'week' }, Date.parse('2026-03-18T08:00:00Z'))).toISOString()).toBe('2026-03-16T07:00:00.000Z')
  })
})

describe('scheduled briefs', () => {
  it('are produced at their time, sent through their receivers once, and readable at GET /briefs/:mission/latest', async () => {
    const hook = await httpReceiver()
    closers.push(hook.close)
    t = await testApp({
      rulesDir: writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }), now: '2026-03-18T06:00:00Z',
      config: { notifyIntervalMs: 3_600_000 },
      routing: `receivers:
  - name: joc
    webhook: { url: "${hook.url('/brief')}", secret: "joc-minusma-shared-secret-0123456789" }
route: { receiver: joc, groupWait: 1h }
briefs:
  - { mission: MINUSMA, every: day, at: "07:00", timeZone: Africa/Bamako, receivers: [joc] }
`,
    })
    const post = async (id: string, at: string, over: Record<string, unknown> = {}) =>
      expect((await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id, occurredAt: at, ...over }) })).statusCode).toBe(201)
    await post('B-1', '2026-03-17T08:00:00Z', { casualties: { killed: { un: { military: 1 } } } })
    await post('B-2', '2026-03-17T09:00:00Z', { source: { channel: 'uas' }, casevac: { injuredAt: '2026-03-17T09:00:00Z', lifeSupportAt: '2026-03-17T09:40:00Z', surgeryAt: '2026-03-17T12:00:00Z' } })
    await post('B-3', '2026-03-17T10:00:00Z', { source: { channel: 'female-engagement-team' }, casualties: { abducted: { civilian: 2, breakdown: { civilian: { female: { child: 1 }, unknown: { unknown: 1 } } } } } })
    await post('B-0', '2026-03-16T10:00:00Z', { location: { route: 'RN-16' }, casualties: { killed: { civilian: 2 } } })

    // Yesterday's 07:00 brief is the latest due one at 06:00: made at the first round.
    await t.app.notifier.tick()
    const first = await t.app.inject({ method: 'GET', url: '/briefs/MINUSMA/latest' })
    expect(first.json()).toMatchObject({ every: 'day', dueAt: '2026-03-17T07:00:00.000Z', from: '2026-03-16T07:00:00.000Z' })

    t.clock.set('2026-03-18T07:00:30Z')
    await t.app.notifier.tick()
    await t.app.notifier.tick()
    const latest = await t.app.inject({ method: 'GET', url: '/briefs/MINUSMA/latest?every=day' })
    expect(latest.json()).toMatchObject({ dueAt: '2026-03-18T07:00:00.000Z', from: '2026-03-17T07:00:00.000Z', to: '2026-03-18T07:00:00.000Z' })
    const data = latest.json().data
    expect(data.casualties).toEqual({ reports: 3, killed: 1, injured: 0, unKilled: 1, unInjured: 0 })
    expect(data.previousCasualties).toEqual({ reports: 1, killed: 2, injured: 0, unKilled: 0, unInjured: 0 })
    // By channel, victims by sex and age, and CASEVAC against 10-1-2 (issue 20).
    expect(data.figures).toEqual({
      byChannel: { unspecified: 1, uas: 1, 'female-engagement-team': 1 },
      victims: { girlsAbducted: 1, childrenAbducted: 1, womenAndGirlsAbducted: 1 },
      casevac: { evacuations: 1, lifeSupport: { known: 1, withinTarget: 1 }, surgery: { known: 1, withinTarget: 0 } },
    })
    expect(data.counts.byLevel).toEqual({ operational: 1 })
    expect(data.changes).toMatchObject({ raised: 1, escalated: 1 })
    expect(data.open).toEqual([expect.objectContaining({ level: 'operational', grade: 'critical', area: 'MSR-1, Gao' })])  // a route alert knows its region too

    const markdown = await t.app.inject({ method: 'GET', url: '/briefs/MINUSMA/latest', headers: { accept: 'text/markdown' } })
    expect(markdown.body).toMatch(/^# Daily brief: MINUSMA\n\n2026-03-17 07:00 to 2026-03-18 07:00 UTC/)
    expect(markdown.body).toContain('UN personnel killed 1 (+1 on the previous period)')
    for (const line of ['- girls (female, under 18) abducted: 1', '- female-engagement-team: 1', '- Advanced life support within 1 hour: 1 of 1 (100%)', '- Surgery within 2 hours: 0 of 1 (0%)']) {
      expect(markdown.body).toContain(line)
    }

    // One message per brief, through the routing's receiver, sent once.
    // (The alerts' own group waited its hour and went out too, as a separate message.)
    const briefs = hook.requests.map((r) => JSON.parse(r.body) as { kind?: string; every: string; markdown: string }).filter((b) => b.kind === 'brief')
    expect(briefs.map((b) => b.every)).toEqual(['day', 'day'])
    expect(briefs[1]!.markdown).toBe(markdown.body)
    expect(await t.app.inject({ method: 'GET', url: '/briefs/MINUSCA/latest' }).then((r) => r.statusCode)).toBe(404)
  })
})
