/**
 * Rules that select codes by a taxonomy crosswalk, and rules that weigh mitigating reports,
 * through the running app: what GET /rules says they watch, and the alerts reports raise.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { nextId, report } from '../helpers/reports.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const MALICIOUS_DEATHS = `id: HOS-151
title: UN personnel killed by a malicious act
description: Every code the taxonomy maps to the fatality cause Malicious Act, per incident.
status: experimental
version: 1
owner: tests
taxonomy:
  - fatalityCause: Malicious Act
scope:
  groupBy: [report]
window: 7d
expires: 7d
alerts:
  - level: tactical
    grade: critical
    when: { all: [ { fact: unKilled, operator: greaterThanInclusive, value: 1 } ] }
`

const CEASEFIRE = `id: ARM-152
title: Ceasefire violations in a region, weighed against agreements
description: Three violations in a region are high, medium when an agreement held in the window.
status: experimental
version: 1
owner: tests
taxonomy: [ARM.CEASEFIRE, ARM.AGREEMENT]
scope:
  groupBy: [admin1]
window: 30d
expires: 30d
summary: "{count:violation} {scope} within {window}, {mitigating} agreement(s) holding"
alerts:
  - level: operational
    grade: high
    when:
      all:
        - { fact: count, operator: greaterThanInclusive, value: 3 }
        - { fact: mitigating, operator: equal, value: 0 }
  - level: operational
    grade: medium
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 } ] }
`

async function start(files: Record<string, string>) {
  t = await testApp({ rulesDir: writeRules(files), now: '2026-03-31T00:00:00Z' })
}

async function post(over: Record<string, unknown>) {
  const res = await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id: nextId(), ...over }) })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { alerts: { indicatorId: string; level: string; grade: string; kind: string }[] }
}

describe('a rule that selects by crosswalk', () => {
  it('is listed with the codes it watches, and raises on a UN death under any of them', async () => {
    await start({ 'hostile-acts/HOS-151-malicious-deaths.yaml': MALICIOUS_DEATHS })
    const rules = (await t!.app.inject({ method: 'GET', url: '/rules' })).json()
    expect(rules.rules[0].taxonomy).toEqual(['HOS', 'CRM.ROBBERY', 'CRM.HOMICIDE', 'UNR.ANTIUN'])

    const killed = { killed: { un: { civilian: 1 } } }
    const occurredAt = '2026-03-30T08:00:00Z'
    for (const category of ['HOS.DIRECT', 'CRM.HOMICIDE', 'CRM.ROBBERY', 'UNR.ANTIUN']) {
      const body = await post({ category, casualties: killed, occurredAt })
      expect(body.alerts, category).toEqual([expect.objectContaining({ indicatorId: 'HOS-151', kind: 'raised', level: 'tactical', grade: 'critical' })])
    }
    for (const category of ['SAF.ROAD', 'CRM.KIDNAP', 'POC.KILL']) {
      expect((await post({ category, casualties: killed, occurredAt })).alerts, category).toEqual([])
    }
    const alert = (await t!.app.inject({ method: 'GET', url: '/alerts/1' })).json()
    expect(alert.taxonomy).toEqual(['HOS', 'CRM.ROBBERY', 'CRM.HOMICIDE', 'UNR.ANTIUN'])
  })
})

describe('a rule that weighs mitigating reports', () => {
  const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T12:00:00Z`
  const kidal = { lat: 18.44, lon: 1.41, admin1: 'Kidal' }

  it('raises lower after an agreement, never counts the agreement, and records it among the facts', async () => {
    await start({ 'armed-conflict/ARM-152-ceasefire.yaml': CEASEFIRE })
    expect((await post({ category: 'ARM.AGREEMENT', occurredAt: at(1), location: kidal })).alerts).toEqual([])
    await post({ category: 'ARM.CEASEFIRE', occurredAt: at(2), location: kidal })
    await post({ category: 'ARM.CEASEFIRE', occurredAt: at(3), location: kidal })
    const third = await post({ category: 'ARM.CEASEFIRE', occurredAt: at(4), location: kidal })
    expect(third.alerts).toEqual([expect.objectContaining({ indicatorId: 'ARM-152', kind: 'raised', level: 'operational', grade: 'medium' })])
    const alert = (await t!.app.inject({ method: 'GET', url: '/alerts/1' })).json()
    expect(alert).toMatchObject({ count: 3, facts: { count: 3, mitigating: 1 }, firstSeen: '2026-03-02T12:00:00.000Z' })
    expect(alert.summary).toMatch(/^3 violations in Kidal within 30 days, 1 agreement\(s\) holding/)
  })

  it('holds an alert raised before the agreement at its grade, and the agreement does not move its last report (its expiry)', async () => {
    await start({ 'armed-conflict/ARM-152-ceasefire.yaml': CEASEFIRE })
    for (const day of [2, 3, 4]) await post({ category: 'ARM.CEASEFIRE', occurredAt: at(day), location: kidal })
    const agreement = await post({ category: 'ARM.AGREEMENT', occurredAt: at(5), location: kidal })
    expect(agreement.alerts).toEqual([expect.objectContaining({ indicatorId: 'ARM-152', kind: 'updated', grade: 'high' })])
    const alert = (await t!.app.inject({ method: 'GET', url: '/alerts/1' })).json()
    // The agreement neither counts nor moves the alert's last report (its expiry).
    expect(alert).toMatchObject({ grade: 'high', count: 3, facts: { mitigating: 1 }, lastSeen: '2026-03-04T12:00:00.000Z' })
  })
})
