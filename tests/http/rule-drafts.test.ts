import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

/** PER_INCIDENT proposed at operational level, with a response: each incident an operational high alert. */
const PROPOSED = PER_INCIDENT.replace('version: 1', 'version: 2').replace('  - level: tactical', '  - level: operational')
  .replace('    grade: high\n', '    grade: high\n    response: { responsible: Mission JOC, actions: [Brief the JOC chief] }\n')

async function start() {
  t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }), now: '2026-03-20T12:00:00Z' })
  for (const [id, mission, day] of [['D-1', 'MINUSMA', '10'], ['D-2', 'MINUSMA', '12'], ['D-3', 'MINUSCA', '12']] as const) {
    const res = await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id, mission, occurredAt: `2026-03-${day}T08:00:00Z` }) })
    expect(res.statusCode, res.body).toBe(201)
  }
}

describe('rule drafts: a mission proposes, HQ reviews', () => {
  it("previews the draft on the proposing mission's reports, stores it and lists it for HQ", async () => {
    await start()
    const res = await t!.app.inject({ method: 'POST', url: '/rules/drafts', payload: { rule: PROPOSED, mission: 'MINUSMA', note: 'incidents here need the JOC chief' } })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    // Only MINUSMA's two reports are replayed: two operational alerts, carrying the proposed response.
    expect(body.preview.reports.replayed).toBe(2)
    expect(body.preview.counts.byLevelAndGrade).toEqual([{ level: 'operational', grade: 'high', count: 2 }])
    expect(body.preview.alerts[0].response).toMatchObject({ responsible: 'Mission JOC', actions: ['Brief the JOC chief'] })
    expect(body.draft).toMatchObject({
      id: 1, mission: 'MINUSMA', note: 'incidents here need the JOC chief', text: PROPOSED,
      rule: { id: 'HOS-103', version: 2, replacesLive: true },
      preview: { range: { from: '2025-12-20T12:00:00.000Z', to: '2026-03-20T12:00:00.000Z', mission: 'MINUSMA' }, counts: { total: 2 } },
    })
    const list = (await t!.app.inject({ method: 'GET', url: '/rules/drafts' })).json()
    expect(list.drafts.map((d: { id: number; rule: { id: string }; text?: string }) => [d.id, d.rule.id, d.text])).toEqual([[1, 'HOS-103', undefined]])
    expect((await t!.app.inject({ method: 'GET', url: '/rules/drafts/1' })).json().text).toBe(PROPOSED)
    expect((await t!.app.inject({ method: 'GET', url: '/rules/drafts/2' })).statusCode).toBe(404)
    // The live rule is untouched: a draft is merged through git by HQ, not by posting it.
    expect((await t!.app.inject({ method: 'GET', url: '/rules/HOS-103' })).json().rule.version).toBe(1)
  })

  it('refuses a draft with a problem, positioned in its text, and stores nothing', async () => {
    await start()
    const broken = PROPOSED.replace('greaterThanInclusive', 'greaterThen')
    const res = await t!.app.inject({ method: 'POST', url: '/rules/drafts', payload: { rule: broken, mission: 'MINUSMA' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().problems[0]).toMatchObject({ path: 'rule.alerts.0.when.all.0.operator', detail: { line: 15 } })
    expect((await t!.app.inject({ method: 'POST', url: '/rules/drafts', payload: { rule: PROPOSED, mission: 'NOPE' } })).statusCode).toBe(400)
    expect((await t!.app.inject({ method: 'GET', url: '/rules/drafts' })).json().drafts).toEqual([])
  })
})
