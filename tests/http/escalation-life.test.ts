import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { rule } from '../helpers/test-rules.js'

/**
 * How long an escalation alert lives: never longer than its `maxDuration` after its raise, and
 * never on alerts it produced itself (lineage). ESC-002 of the standard library used to stay
 * active for up to 793 days on the CAR data, one region's updates renewing it after the second
 * region had gone quiet.
 */

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const DAY = 86_400_000

async function post(body: Record<string, unknown>) {
  const arrives = Date.parse(String(body.occurredAt)) + 3_600_000
  if (arrives > t!.clock()) t!.clock.set(arrives)
  const res = await t!.app.inject({ method: 'POST', url: '/reports', payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { alerts: { alertId: number; kind: string; indicatorId: string; level: string }[] }
}

const alertOf = async (id: number) => (await t!.app.inject({ method: 'GET', url: `/alerts/${id}` })).json() as
  { status: string; expiresAt: string; raisedAt: string; inputs: string[] }

/** Every killing of civilians is an operational alert in its region for 30 days. */
const KILLING = rule('POC-101', `taxonomy: [POC.KILL]
scope: { groupBy: [admin1] }
window: 30d
expires: 30d
alerts:
  - level: operational
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)

/** ESC-002's shape: operational alerts in two regions within 30 days; `cap` adds a maxDuration. */
const severalRegions = (cap: string) => rule('ESC-102', `taxonomy: [HOS, POC, ARM, COM, CRM, UNR, SAF, HLT]
input: alerts
match: { all: [ { fact: alert, path: level, operator: equal, value: operational } ] }
window: 30d
expires: 90d
${cap}
alerts:
  - level: strategic
    grade: high
    when: { all: [ { fact: distinct, params: { field: admin1 }, operator: greaterThanInclusive, value: 2 } ] }`)

const kill = (id: string, at: string, admin1: string) =>
  report({ id, category: 'POC.KILL', occurredAt: at, location: { admin1, admin2: admin1, route: undefined }, casualties: { killed: { civilian: 3 } } })

/** Killings in Gao and Mopti on 1 and 2 March, then in Gao alone every 20 days until `until`. */
async function oneRegionGoesOn(until: number): Promise<number> {
  await post(kill('G0', '2026-03-01T08:00:00Z', 'Gao'))
  const both = await post(kill('M0', '2026-03-02T08:00:00Z', 'Mopti'))
  const strategic = both.alerts.find((a) => a.indicatorId === 'ESC-102' && a.kind === 'raised')
  expect(strategic).toBeDefined()
  for (let at = Date.parse('2026-03-21T08:00:00Z'), i = 1; at <= until; at += 20 * DAY, i++) {
    await post(kill(`G${i}`, new Date(at).toISOString(), 'Gao'))
  }
  return strategic!.alertId
}

describe('an escalation alert ends when its sources do', () => {
  it('without a cap, one region renews a two-region alert for as long as it stays active', async () => {
    t = await testApp({ rulesDir: writeRules({ 'protection-of-civilians/POC-101-killing.yaml': KILLING, 'escalation/ESC-102-regions.yaml': severalRegions('') }), now: '2026-03-01T00:00:00Z' })
    const id = await oneRegionGoesOn(Date.parse('2026-09-30T00:00:00Z'))
    // Mopti went quiet on 2 March; Gao's updates keep the two-region alert open in October.
    expect((await alertOf(id)).status).toBe('open')
    expect(Date.parse((await alertOf(id)).expiresAt)).toBeGreaterThan(Date.parse('2026-12-01T00:00:00Z'))
  })

  it('with maxDuration the alert expires at its cap after the raise, and one region alone raises no new one', async () => {
    t = await testApp({ rulesDir: writeRules({ 'protection-of-civilians/POC-101-killing.yaml': KILLING, 'escalation/ESC-102-regions.yaml': severalRegions('maxDuration: 120d') }), now: '2026-03-01T00:00:00Z' })
    const id = await oneRegionGoesOn(Date.parse('2026-06-20T00:00:00Z'))
    const before = await alertOf(id)
    expect(before.status).toBe('open')
    expect(Date.parse(before.expiresAt)).toBe(Date.parse(before.raisedAt) + 120 * DAY)
    t.clock.set(Date.parse(before.expiresAt))
    const swept = await t.app.vigil.sweep()
    expect(swept.filter((c) => c.alert.indicatorId === 'ESC-102').map((c) => c.kind)).toEqual(['expired'])
    // Gao goes on; Mopti stays quiet: no threshold holds, so nothing is raised again.
    const later = await post(kill('G99', new Date(Date.parse(before.expiresAt) + 5 * DAY).toISOString(), 'Gao'))
    expect(later.alerts.filter((a) => a.indicatorId === 'ESC-102')).toEqual([])
    // Both regions again: a new strategic alert, a fresh decision for UNHQ.
    const again = await post(kill('M99', new Date(Date.parse(before.expiresAt) + 6 * DAY).toISOString(), 'Mopti'))
    expect(again.alerts.filter((a) => a.indicatorId === 'ESC-102').map((a) => a.kind)).toEqual(['raised'])
  })

  it('the check refuses a maxDuration shorter than expires', async () => {
    await expect(testApp({ rulesDir: writeRules({ 'escalation/ESC-102-regions.yaml': severalRegions('maxDuration: 30d') }) }))
      .rejects.toThrow(/maxDuration \(30d\) is shorter than expires \(90d\)/)
  })
})

describe('lineage: no alert counts an alert it produced', () => {
  /** Two escalation indicators that would feed each other: operational alerts in a region. */
  const regional = (id: string) => rule(id, `taxonomy: [HOS, POC, ARM, COM, CRM, UNR, SAF, HLT]
input: alerts
match: { all: [ { fact: alert, path: level, operator: equal, value: operational } ] }
scope: { groupBy: [admin1] }
window: 30d
expires: 30d
alerts:
  - level: operational
    grade: low
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)

  it('A counts the killing alert, B counts it and A, A never counts B; all end together after the killing alert', async () => {
    t = await testApp({
      rulesDir: writeRules({
        'protection-of-civilians/POC-101-killing.yaml': KILLING,
        'escalation/ESC-201-a.yaml': regional('ESC-201'),
        'escalation/ESC-202-b.yaml': regional('ESC-202'),
      }),
      now: '2026-03-01T00:00:00Z',
    })
    const res = await post(kill('K1', '2026-03-01T08:00:00Z', 'Gao'))
    const idOf = (ind: string) => res.alerts.find((a) => a.indicatorId === ind && a.kind === 'raised')!.alertId
    const [x, a, b] = [idOf('POC-101'), idOf('ESC-201'), idOf('ESC-202')]
    expect((await alertOf(a)).inputs).toEqual([`alert:${x}`])
    expect((await alertOf(b)).inputs.sort()).toEqual([`alert:${a}`, `alert:${x}`].sort())
    // Nothing more happens: the killing alert expires after 30 days, and so do both escalations.
    t.clock.set(Date.parse('2026-03-31T08:00:00Z'))
    await t.app.vigil.sweep()
    for (const id of [x, a, b]) expect((await alertOf(id)).status).toBe('expired')
  })
})
