import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER, PER_INCIDENT as BASE_PER_INCIDENT, rule } from '../helpers/test-rules.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

async function start(rules: Record<string, string>, now = '2026-03-01T00:00:00Z') {
  t = await testApp({ rulesDir: writeRules(rules), now })
  return t
}

/** Posts a report the way a live feed does: the clock moves to an hour after it happened, never back. */
async function post(body: Record<string, unknown>) {
  const arrives = Date.parse(String(body.occurredAt)) + 3_600_000
  if (arrives > t!.clock()) t!.clock.set(arrives)
  const res = await t!.app.inject({ method: 'POST', url: '/reports', payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { alerts: { alertId: number; kind: string; level: string; grade: string }[] }
}

const changes = async () => (await t!.app.inject({ method: 'GET', url: '/alerts?limit=1000' })).json().changes as {
  kind: string; cause: string; inputs: string[]; alert: { id: number; identity: string; level: string; grade: string; status: string; count: number; summary: string; facts: Record<string, number> }
}[]
const alert = async (id: number) => (await t!.app.inject({ method: 'GET', url: `/alerts/${id}` })).json()

const ied = (id: string, day: string, over: Record<string, unknown> = {}) =>
  report({ id, occurredAt: `2026-03-${day}T08:00:00Z`, ...over })

describe('raising, updating and escalating', () => {
  it('raises at the lowest threshold, updates instead of duplicating, and escalates with a recorded change', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    expect((await post(ied('R1', '01'))).alerts).toEqual([])
    const second = await post(ied('R2', '05'))
    expect(second.alerts).toMatchObject([{ kind: 'raised', level: 'tactical', grade: 'medium' }])
    const third = await post(ied('R3', '10'))
    expect(third.alerts).toMatchObject([{ kind: 'escalated', level: 'operational', grade: 'high' }])
    const fourth = await post(ied('R4', '12', { casualties: { killed: { un: { military: 1 } } } }))
    expect(fourth.alerts).toMatchObject([{ kind: 'escalated', level: 'operational', grade: 'critical' }])
    const fifth = await post(ied('R5', '13'))
    expect(fifth.alerts).toMatchObject([{ kind: 'updated', level: 'operational', grade: 'critical' }])

    const all = await changes()
    expect(new Set(all.map((c) => c.alert.id)).size).toBe(1)
    expect(all.map((c) => c.kind)).toEqual(['raised', 'escalated', 'escalated', 'updated'])
    const a = await alert(all[0]!.alert.id)
    expect(a).toMatchObject({ count: 5, level: 'operational', grade: 'critical', status: 'open', identity: 'HOS-101|MINUSMA|route=MSR-1' })
    expect(a.inputs).toEqual(['R1', 'R2', 'R3', 'R4', 'R5'])
    expect(a.summary).toBe('5 IED incidents within 14 days on route MSR-1, 1 peacekeeper killed')
  })

  it('keeps separate alerts for separate scopes and ignores reports without the group field', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await post(ied('A1', '01'))
    await post(ied('A2', '02'))
    await post(ied('B1', '01', { location: { route: 'MSR-2' } }))
    await post(ied('B2', '02', { location: { route: 'MSR-2' } }))
    await post(ied('C1', '02', { location: { route: undefined } }))
    const all = await changes()
    expect(all.map((c) => c.alert.count)).toEqual([2, 2])
    expect(new Set(all.map((c) => c.alert.id)).size).toBe(2)
  })

  it('never silently downgrades: a later, weaker picture updates counts but keeps the grade', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }, '2026-03-10T00:00:00Z')
    await post(ied('R1', '01'))
    await post(ied('R2', '02'))
    await post(ied('R3', '03'))
    t!.clock.set('2026-03-16T12:00:00Z')
    // Only R3 is still in the 14-day window with this one: the thresholds alone would say medium.
    const res = await post(ied('R4', '16'))
    expect(res.alerts).toMatchObject([{ kind: 'updated', level: 'operational', grade: 'high' }])
  })

  it('explains an alert: the condition tree with the values that held', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await post(ied('R1', '01'))
    await post(ied('R2', '02'))
    const [c] = await changes()
    const a = await alert(c!.alert.id)
    expect(a.explanation).toEqual({
      all: [{ fact: 'count', operator: 'greaterThanInclusive', value: 2, factResult: 2, result: true }],
      result: true,
    })
    expect(a.ruleSetVersion).toMatch(/^[0-9a-f]{12}$/)
    expect(a.indicator).toEqual({ id: 'HOS-101', version: 1 })
  })
})

describe('aggregate facts', () => {
  it('count and sum filtered by category, with their own windows', async () => {
    await start({
      'inter-communal/COM-101-spiral.yaml': rule('COM-101', `taxonomy: [COM.CLASH, COM.REPRISAL]
scope: { groupBy: [admin2] }
window: 14d
expires: 14d
alerts:
  - level: tactical
    grade: high
    when:
      all:
        - { fact: count, params: { category: COM.CLASH }, operator: greaterThanInclusive, value: 2 }
        - { fact: count, params: { category: COM.REPRISAL, window: 3d }, operator: greaterThanInclusive, value: 1 }
        - { fact: sum, params: { path: casualties.killed.civilian }, operator: greaterThanInclusive, value: 5 }`),
    })
    await post(report({ id: 'C1', category: 'COM.CLASH', occurredAt: '2026-03-10T00:00:00Z', casualties: { killed: { civilian: 2 } } }))
    await post(report({ id: 'C2', category: 'COM.REPRISAL', occurredAt: '2026-03-11T00:00:00Z', casualties: { killed: { civilian: 2 } } }))
    // Reprisal is 9 days old by the time of C3's evaluation: outside its 3-day window.
    t!.clock.set('2026-03-20T00:00:00Z')
    expect((await post(report({ id: 'C3', category: 'COM.CLASH', occurredAt: '2026-03-19T00:00:00Z', casualties: { killed: { civilian: 2 } } }))).alerts).toEqual([])
    const hit = await post(report({ id: 'C4', category: 'COM.REPRISAL', occurredAt: '2026-03-19T12:00:00Z' }))
    expect(hit.alerts).toMatchObject([{ kind: 'raised', level: 'tactical', grade: 'high' }])
    const [c] = await changes()
    expect(c!.alert.facts).toMatchObject({
      'count(category=COM.CLASH)': 2, 'count(category=COM.REPRISAL,window=3d)': 1, 'sum(path=casualties.killed.civilian)': 6, civiliansKilled: 6,
    })
  })

  it('distinct values, independent sources, and confidence from the Admiralty grades', async () => {
    await start({
      'armed-conflict/ARM-101-massing.yaml': rule('ARM-101', `taxonomy: [ARM.MOBIL]
scope: { groupBy: [admin1] }
window: 72h
expires: 7d
alerts:
  - level: tactical
    grade: high
    when: { all: [ { fact: independentSources, operator: greaterThanInclusive, value: 2 }, { fact: distinct, params: { field: admin2 }, operator: greaterThanInclusive, value: 2 } ] }`),
    })
    const mob = (id: string, src: string | undefined, admin2: string, rel = 'D', cred = 4) =>
      report({ id, category: 'ARM.MOBIL', occurredAt: '2026-03-19T00:00:00Z', location: { admin2 }, source: { reliability: rel, credibility: cred, sourceId: src } })
    await post(mob('M1', undefined, 'Gao'))
    expect((await post(mob('M2', undefined, 'Ansongo'))).alerts).toEqual([])
    const hit = await post(mob('M3', 'community-liaison', 'Ansongo'))
    expect(hit.alerts).toMatchObject([{ kind: 'raised' }])
    const a = await alert(hit.alerts[0]!.alertId)
    expect(a.facts).toMatchObject({ independentSources: 2, 'distinct(field=admin2)': 2 })
    // Two independent sources agreeing make confidence high even from D/4 reports.
    expect(a.confidence).toBe('high')
  })

  it('leaves out reports graded E or credibility 5', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await post(ied('R1', '01', { source: { reliability: 'E', credibility: 2 } }))
    expect((await post(ied('R2', '02', { source: { reliability: 'A', credibility: 5 } }))).alerts).toEqual([])
    expect((await post(ied('R3', '03'))).alerts).toEqual([])
    expect((await post(ied('R4', '04'))).alerts).toMatchObject([{ kind: 'raised', level: 'tactical' }])
  })

  it('trend: this window against the mean of the previous windows', async () => {
    await start({
      'hostile-acts/HOS-102-trend.yaml': rule('HOS-102', `taxonomy: [HOS]
window: 30d
trend: { periods: 3 }
expires: 30d
alerts:
  - level: strategic
    grade: high
    when: { all: [ { fact: unKilled, operator: greaterThanInclusive, value: 4 }, { fact: trend, params: { measure: unKilled }, operator: greaterThanInclusive, value: 2 } ] }`),
    }, '2026-01-01T00:00:00Z')
    const killed = (id: string, at: string, n: number) => report({ id, occurredAt: at, category: 'HOS.DIRECT', casualties: { killed: { un: { military: n } } } })
    // Baseline: 3 killed in each of the three previous 30-day windows -> mean 3.
    for (const [i, at] of ['2025-09-20', '2025-10-20', '2025-11-20'].entries()) {
      t!.clock.set(`${at}T12:00:00Z`)
      await post(killed(`B${i}`, `${at}T00:00:00Z`, 3))
    }
    t!.clock.set('2026-01-08T12:00:00Z')
    expect((await post(killed('N1', '2026-01-08T00:00:00Z', 5))).alerts).toEqual([])
    const hit = await post(killed('N2', '2026-01-08T01:00:00Z', 1))
    expect(hit.alerts).toMatchObject([{ kind: 'raised', level: 'strategic', grade: 'high' }])
    expect((await alert(hit.alerts[0]!.alertId)).facts['trend(measure=unKilled)']).toBe(2)
  })

  it('radius scope: reports within N km of the first one count together', async () => {
    await start({
      'armed-conflict/ARM-102-near.yaml': rule('ARM-102', `taxonomy: [ARM.MOBIL]
scope: { radiusKm: 20 }
window: 72h
expires: 3d
alerts:
  - level: tactical
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] }`),
    })
    const at = (id: string, lat: number, lon: number) => report({ id, category: 'ARM.MOBIL', occurredAt: '2026-03-19T00:00:00Z', location: { lat, lon } })
    await post(at('N1', 16.27, -0.04))
    // ~55 km away: a different area.
    expect((await post(at('FAR', 16.77, -0.04))).alerts).toEqual([])
    const near = await post(at('N2', 16.36, -0.04))
    expect(near.alerts).toMatchObject([{ kind: 'raised' }])
    const a = await alert(near.alerts[0]!.alertId)
    expect(a.inputs).toEqual(['N1', 'N2'])
    expect(a.summary).toContain('within 20 km of')
  })
})

describe('time: late reports and expiry', () => {
  it('counts a late report by its occurredAt', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }, '2026-03-20T00:00:00Z')
    await post(ied('R1', '18'))
    // Arrives on the 20th, happened on the 8th: still inside the 14-day window.
    expect((await post(ied('LATE', '08'))).alerts).toMatchObject([{ kind: 'raised', level: 'tactical' }])
    // Happened on the 1st: outside the window, counts for nothing now.
    const tooOld = await post(ied('OLD', '01'))
    expect(tooOld.alerts).toMatchObject([{ kind: 'updated' }])
    expect((await changes()).at(-1)!.alert.count).toBe(2)
  })

  it('expires an alert with no new input within its expiry, and a new input then raises a new one', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }, '2026-03-02T00:00:00Z')
    await post(ied('R1', '01'))
    const raised = await post(ied('R2', '02'))
    const id = raised.alerts[0]!.alertId
    expect((await alert(id)).expiresAt).toBe('2026-03-16T08:00:00.000Z')
    t!.clock.set('2026-03-16T08:00:00Z')
    const swept = await t!.app.vigil.sweep()
    expect(swept.map((c) => c.kind)).toEqual(['expired'])
    expect((await alert(id)).status).toBe('expired')
    await post(ied('R3', '16'))
    const again = await post(ied('R4', '16', { occurredAt: '2026-03-16T09:00:00Z' }))
    expect(again.alerts).toMatchObject([{ kind: 'raised' }])
    expect(again.alerts[0]!.alertId).not.toBe(id)
  })
})

describe('retraction and revision', () => {
  it('re-evaluates the alerts a retracted report supported, withdrawing one left without support', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await post(ied('R1', '01'))
    const raised = await post(ied('R2', '02'))
    const id = raised.alerts[0]!.alertId
    const res = await t!.app.inject({ method: 'DELETE', url: '/reports/R2', payload: { reason: 'double count' } })
    expect(res.json().alerts).toMatchObject([{ alertId: id, kind: 'withdrawn', status: 'withdrawn' }])
    const a = await alert(id)
    expect(a.status).toBe('withdrawn')
    expect(a.statusReason).toContain('report R2 retracted')
    expect(a.inputs).toEqual(['R1'])
  })

  it('downgrades explicitly when a retraction leaves a lower threshold met', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await post(ied('R1', '01'))
    await post(ied('R2', '02'))
    const top = await post(ied('R3', '03'))
    expect(top.alerts).toMatchObject([{ level: 'operational', grade: 'high' }])
    const res = await t!.app.inject({ method: 'DELETE', url: '/reports/R3' })
    expect(res.json().alerts).toMatchObject([{ kind: 'downgraded', level: 'tactical', grade: 'medium', status: 'open' }])
  })

  it('a revision that adds a UN death escalates; one that moves the report elsewhere withdraws the old alert', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await post(ied('R1', '01'))
    await post(ied('R2', '02'))
    await post(ied('R3', '03'))
    const up = await t!.app.inject({ method: 'PUT', url: '/reports/R3', payload: ied('R3', '03', { casualties: { killed: { un: { police: 1 } } } }) })
    expect(up.json().alerts).toMatchObject([{ kind: 'escalated', grade: 'critical' }])
    await t!.app.inject({ method: 'PUT', url: '/reports/R2', payload: ied('R2', '02', { location: { route: 'MSR-9' } }) })
    const moved = await t!.app.inject({ method: 'PUT', url: '/reports/R1', payload: ied('R1', '01', { location: { route: 'MSR-9' } }) })
    const kinds = moved.json().alerts.map((c: { kind: string; indicatorId: string }) => c.kind)
    expect(kinds).toEqual(expect.arrayContaining(['raised', 'withdrawn']))
  })
})

describe('escalation across levels: indicators over alerts', () => {
  /** Per incident, over two families: HOS and POC reports each raise a tactical alert. */
  const PER_INCIDENT = BASE_PER_INCIDENT.replace('taxonomy: [HOS]', 'taxonomy: [HOS, POC]')
  const TO_OPERATIONAL = rule('ESC-101', `taxonomy: [HOS, POC, ARM, COM, CRM, UNR, SAF, HLT]
input: alerts
match: { all: [ { fact: alert, path: level, operator: equal, value: tactical } ] }
scope: { groupBy: [admin1, topCategory] }
window: 14d
expires: 30d
summary: "{count:active tactical alert} {scope} within {window}"
alerts:
  - level: operational
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 } ] }`)
  const TO_STRATEGIC = rule('ESC-102', `taxonomy: [HOS, POC, ARM, COM, CRM, UNR, SAF, HLT]
input: alerts
match: { all: [ { fact: alert, path: level, operator: equal, value: operational } ] }
window: 30d
expires: 90d
alerts:
  - level: strategic
    grade: high
    when: { all: [ { fact: distinct, params: { field: admin1 }, operator: greaterThanInclusive, value: 2 } ] }`)

  it('three tactical alerts in one admin1 raise an operational one; two admin1 raise a strategic one', async () => {
    await start({
      'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT,
      'escalation/ESC-101-tactical-to-operational.yaml': TO_OPERATIONAL,
      'escalation/ESC-102-operational-to-strategic.yaml': TO_STRATEGIC,
    })
    await post(report({ id: 'G1', category: 'HOS.DIRECT', occurredAt: '2026-03-15T00:00:00Z' }))
    await post(report({ id: 'G2', category: 'HOS.IED', occurredAt: '2026-03-16T00:00:00Z' }))
    const third = await post(report({ id: 'G3', category: 'HOS.INDIRECT', occurredAt: '2026-03-17T00:00:00Z' }))
    // The operational alert covers Gao, so the three tactical HOS alerts there are inhibited.
    expect(third.alerts.map((a) => `${a.kind} ${a.level}`)).toEqual(['raised tactical', 'raised operational', 'inhibited tactical', 'inhibited tactical', 'inhibited tactical'])
    const op = (await changes()).find((c) => c.alert.level === 'operational')!
    // The category reads as the taxonomy's label, not as its code.
    expect(op.alert.summary).toBe('3 active tactical alerts in Gao: hostile acts against UN personnel and assets within 14 days')
    expect(op.inputs).toHaveLength(1)

    const mopti = { location: { admin1: 'Mopti', admin2: 'Bandiagara' } }
    await post(report({ id: 'M1', category: 'HOS.DIRECT', occurredAt: '2026-03-18T00:00:00Z', ...mopti }))
    await post(report({ id: 'M2', category: 'HOS.DIRECT', occurredAt: '2026-03-18T01:00:00Z', ...mopti }))
    const last = await post(report({ id: 'M3', category: 'HOS.DIRECT', occurredAt: '2026-03-18T02:00:00Z', ...mopti }))
    const kinds = last.alerts.map((a) => `${a.kind} ${a.level}`)
    expect(kinds.slice(0, 3)).toEqual(['raised tactical', 'raised operational', 'raised strategic'])
    // The mission-wide strategic alert covers both operational ones; Mopti's covers its tacticals.
    expect(kinds.slice(3).sort()).toEqual(['inhibited operational', 'inhibited operational', 'inhibited tactical', 'inhibited tactical', 'inhibited tactical'])
  })

  it('an alert belongs to its indicator\'s family; an escalation alert to its group\'s, and it says where', async () => {
    await start({
      'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT,
      'protection-of-civilians/POC-103-incident.yaml': PER_INCIDENT.replaceAll('HOS-103', 'POC-103').replace('taxonomy: [HOS, POC]', 'taxonomy: [POC]'),
      'escalation/ESC-101-tactical-to-operational.yaml': TO_OPERATIONAL,
    })
    for (const [i, d] of ['15', '16', '17'].entries()) {
      await post(report({ id: `K${i}`, category: 'POC.KILL', occurredAt: `2026-03-${d}T00:00:00Z`, location: { site: 'Camp A' } }))
    }
    const all = t!.app.vigil.alerts.all()
    expect(all.filter((a) => a.indicatorId === 'HOS-103').every((a) => a.topCategory === 'HOS')).toBe(true)
    expect(all.filter((a) => a.indicatorId === 'POC-103').every((a) => a.topCategory === 'POC')).toBe(true)
    const op = all.filter((a) => a.level === 'operational')
    expect(op.map((a) => a.topCategory).sort()).toEqual(['HOS', 'POC'])
    const tactical = all.find((a) => a.indicatorId === 'POC-103')!
    expect(tactical.summary).toBe('1 matching report at site Camp A on route MSR-1 in Gao within 1 day: Test indicator POC-103')
  })

  it('a withdrawn tactical alert withdraws the operational alert it alone sustained', async () => {
    await start({
      'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT,
      'escalation/ESC-101-tactical-to-operational.yaml': TO_OPERATIONAL,
    })
    for (const [i, d] of ['15', '16', '17'].entries()) await post(report({ id: `W${i}`, category: 'HOS.DIRECT', occurredAt: `2026-03-${d}T00:00:00Z` }))
    const res = await t!.app.inject({ method: 'DELETE', url: '/reports/W2' })
    expect(res.json().alerts.map((a: { kind: string; level: string }) => `${a.kind} ${a.level}`)).toEqual(['withdrawn tactical', 'withdrawn operational', 'released tactical', 'released tactical'])
  })
})

describe('evaluation order', () => {
  it('concurrent posts produce the same alerts as one-by-one posts', async () => {
    const reports = Array.from({ length: 24 }, (_, i) => ied(`P${i}`, String(1 + (i % 14)).padStart(2, '0'), {
      location: { route: `MSR-${i % 3}` },
      casualties: i === 20 ? { killed: { un: { military: 1 } } } : undefined,
    }))
    const outcome = async (concurrent: boolean) => {
      await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }, '2026-03-15T00:00:00Z')
      const send = (r: Record<string, unknown>) => t!.app.inject({ method: 'POST', url: '/reports', payload: r })
      if (concurrent) await Promise.all(reports.map(send))
      else for (const r of reports) await send(r)
      const final = new Map<string, unknown>()
      for (const c of await changes()) final.set(c.alert.identity, [c.alert.level, c.alert.grade, c.alert.count, c.alert.status])
      await t!.close()
      t = undefined
      return [...final.entries()].sort()
    }
    const sequential = await outcome(false)
    const concurrent = await outcome(true)
    expect(concurrent).toEqual(sequential)
    expect(sequential).toHaveLength(3)
  })

  it('the batch endpoint evaluates its reports in occurredAt order', async () => {
    await start({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }, '2026-03-04T00:00:00Z')
    const res = await t!.app.inject({ method: 'POST', url: '/reports/batch', payload: [ied('Z3', '03'), ied('Z1', '01'), ied('Z2', '02')] })
    expect(res.statusCode).toBe(200)
    const all = await changes()
    expect(all.map((c) => c.inputs[0])).toEqual(['Z2', 'Z3'])
  })
})
