import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { rule } from '../helpers/test-rules.js'

/** Tactical medium at 2 IEDs on a route, operational high at 3, critical with a UN death; the critical threshold has no response block. */
const IED_RESPONSE = rule('HOS-111', `taxonomy: [HOS.IED]
match: { all: [ { fact: report, path: location.route, operator: exists, value: true } ] }
scope: { groupBy: [route] }
window: 14d
expires: 14d
alerts:
  - level: operational
    grade: critical
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 }, { fact: unKilled, operator: greaterThanInclusive, value: 1 } ] }
  - level: operational
    grade: high
    response:
      responsible: Force HQ / U3
      acknowledgeWithin: 1h
      actWithin: 24h
      actions: [Decide the convoy policy for the route, Task route clearance to the route]
      references: [Mission convoy policy]
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 } ] }
  - level: tactical
    grade: medium
    response:
      actions: [Brief convoy commanders on the route]
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] }`)

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const ied = (id: string, at: string, over: Record<string, unknown> = {}) => report({ id, occurredAt: at, ...over })
async function post(body: Record<string, unknown>, now: string) {
  t!.clock.set(now)
  const res = await t!.app.inject({ method: 'POST', url: '/reports', payload: body })
  expect(res.statusCode, res.body).toBe(201)
}
const get = (url: string, headers: Record<string, string> = {}) => t!.app.inject({ method: 'GET', url, headers })

describe('the response travels with the alert', () => {
  it("carries its threshold's response with the deadlines, fills the gaps from the level's defaults, and changes on escalation", async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-111-ied.yaml': IED_RESPONSE }) })
    await post(ied('R1', '2026-03-01T08:00:00Z'), '2026-03-01T09:00:00Z')
    await post(ied('R2', '2026-03-02T08:00:00Z'), '2026-03-02T09:00:00Z')
    const raised = (await get('/alerts/1')).json()
    expect(raised.level).toBe('tactical')
    expect(raised.response).toEqual({
      actions: ['Brief convoy commanders on the route'],
      // Tactical medium: 2 h to acknowledge, a day to act; the sector owns it.
      responsible: 'Sector JOC', acknowledgeWithin: '2h', actWithin: '24h', references: [],
      defaulted: ['responsible', 'acknowledgeWithin', 'actWithin'],
      since: '2026-03-02T09:00:00.000Z', acknowledgeBy: '2026-03-02T11:00:00.000Z', actBy: '2026-03-03T09:00:00.000Z',
    })
    expect(raised.overdue).toEqual({ acknowledge: false, act: false })
    expect(raised.assignee).toBeNull()

    await post(ied('R3', '2026-03-03T08:00:00Z'), '2026-03-03T09:00:00Z')
    const escalated = (await get('/alerts/1')).json()
    expect(escalated.level).toBe('operational')
    expect(escalated.response).toMatchObject({
      responsible: 'Force HQ / U3', actions: ['Decide the convoy policy for the route', 'Task route clearance to the route'],
      references: ['Mission convoy policy'], defaulted: [],
      since: '2026-03-03T09:00:00.000Z', acknowledgeBy: '2026-03-03T10:00:00.000Z', actBy: '2026-03-04T09:00:00.000Z',
    })
    // The poll carries each change with the response as it stood then.
    const page = (await get('/alerts?after=0')).json() as { changes: { kind: string; alert: { response: { responsible: string } } }[] }
    expect(page.changes.map((c) => [c.kind, c.alert.response.responsible])).toEqual([
      ['raised', 'Sector JOC'], ['escalated', 'Force HQ / U3'],
    ])

    await post(ied('R4', '2026-03-04T08:00:00Z', { casualties: { killed: { un: { military: 1 } } } }), '2026-03-04T09:00:00Z')
    const critical = (await get('/alerts/1')).json()
    expect(critical.grade).toBe('critical')
    // No block on this threshold: every field from the operational critical defaults.
    expect(critical.response).toMatchObject({
      responsible: 'Mission JOC', acknowledgeWithin: '1h', actWithin: '24h',
      defaulted: ['actions', 'responsible', 'acknowledgeWithin', 'actWithin'], acknowledgeBy: '2026-03-04T10:00:00.000Z',
    })
  })

  it('shows each open alert\'s expected response in the Markdown brief', async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-111-ied.yaml': IED_RESPONSE }) })
    for (const [i, day] of ['01', '02', '03'].entries()) await post(ied(`B${i}`, `2026-03-${day}T08:00:00Z`), `2026-03-${day}T09:00:00Z`)
    const brief = (await get('/alerts/summary?mission=MINUSMA', { accept: 'text/markdown' })).body
    expect(brief).toContain('## Expected response')
    expect(brief).toContain('- **1** HOS-111: Force HQ / U3; acknowledge by 2026-03-03T10:00, act by 2026-03-04T09:00')
    expect(brief).toContain('  - Decide the convoy policy for the route')
    expect(brief).toContain('  - see: Mission convoy policy')
  })
})
