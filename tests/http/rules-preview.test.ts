import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER, rule } from '../helpers/test-rules.js'
import { BAD_RULES_DIR } from '../helpers/rule-fixtures.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

async function start(files: Record<string, string> = { 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }) {
  t = await testApp({ rulesDir: writeRules(files), now: '2026-02-01T00:00:00Z' })
  return t
}

/** Posts a report with the clock at its occurredAt: the moment a replay evaluates it too. */
async function post(body: Record<string, unknown>) {
  t!.clock.set(String(body.occurredAt))
  const res = await t!.app.inject({ method: 'POST', url: '/reports', payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { alerts: { alertId: number }[] }
}

const preview = (payload: Record<string, unknown>) => t!.app.inject({ method: 'POST', url: '/rules/preview', payload })
const MARCH = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }

const ied = (id: string, at: string, over: Record<string, unknown> = {}) => report({ id, occurredAt: at, ...over })
/** Two routes: MSR-1 ends critical (a peacekeeper killed), MSR-2 tactical; one report outside March. */
const STREAM = [
  ied('F1', '2026-02-25T08:00:00Z'),
  ied('A1', '2026-03-01T08:00:00Z'),
  ied('B1', '2026-03-02T08:00:00Z', { location: { route: 'MSR-2' } }),
  ied('A2', '2026-03-03T08:00:00Z'),
  ied('B2', '2026-03-04T08:00:00Z', { location: { route: 'MSR-2' } }),
  ied('A3', '2026-03-05T08:00:00Z', { casualties: { killed: { un: { military: 1 } } } }),
  ied('A4', '2026-03-06T08:00:00Z'),
]

/** Row counts of every table the engine writes: a preview must leave them all as they were. */
function tableCounts(dbFile: string) {
  const db = new Database(dbFile, { readonly: true })
  try {
    return Object.fromEntries(['reports', 'report_revisions', 'indicator_inputs', 'alerts', 'alert_inputs', 'alert_changes']
      .map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()]))
  } finally {
    db.close()
  }
}

/** An alert without what only identifies it in one database: its id, sequence and rule-set version. */
function comparable(a: Record<string, unknown>) {
  const { id: _id, seq: _seq, ruleSetVersion: _v, ...rest } = a
  return rest
}

describe('POST /rules/preview', () => {
  it('returns the same alerts the live engine raised for the same reports, and writes nothing', async () => {
    await start()
    // The live history starts in February: a March-only preview must not see F1.
    for (const r of STREAM) await post(r)
    const changes = (await t!.app.inject({ method: 'GET', url: '/alerts?limit=1000' })).json().changes as { alert: { id: number } }[]
    const ids = [...new Set(changes.map((c) => c.alert.id))]
    const live = await Promise.all(ids.map(async (id) => (await t!.app.inject({ method: 'GET', url: `/alerts/${id}` })).json()))
    expect(live.map((a) => `${a.scope.groupBy.route} ${a.level} ${a.grade} ${a.count}`)).toEqual(['MSR-1 operational critical 5', 'MSR-2 tactical medium 2'])

    const before = tableCounts(t!.dbFile)
    // A range that holds every report the live engine saw, so both saw the same.
    const res = await preview({ rule: IED_CLUSTER, from: '2026-02-20T00:00:00Z', to: '2026-03-07T00:00:00Z' })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(tableCounts(t!.dbFile)).toEqual(before)

    expect(body.alerts.map(comparable)).toEqual(live.map(comparable))
    expect(body.alerts.every((a: { ruleSetVersion: string }) => a.ruleSetVersion === body.ruleSetVersion)).toBe(true)
    expect(body.ruleSetVersion).toMatch(/^draft-[0-9a-f]{12}$/)
    expect(body.rule).toEqual({ id: 'HOS-101', version: 1, title: 'Test indicator HOS-101', replacesLive: true })
    expect(body.reports).toEqual({ replayed: 7, rejected: [] })
    expect(body.counts).toEqual({
      total: 2,
      byLevel: { tactical: 1, operational: 1, strategic: 0 },
      byGrade: { low: 0, medium: 1, high: 0, critical: 1 },
      byLevelAndGrade: [{ level: 'operational', grade: 'critical', count: 1 }, { level: 'tactical', grade: 'medium', count: 1 }],
    })
    expect(body.alerts[0].explanation.result).toBe(true)
    expect(body.alerts[0].summary).toBe('5 IED incidents within 14 days on route MSR-1, 1 peacekeeper killed')
  })

  it('tunes a threshold: the draft replaces the live rule of its id, only for the preview', async () => {
    await start()
    for (const r of STREAM) await post(r)
    // HQ asks: what if two IED events on a route were already an operational matter?
    const draft = IED_CLUSTER.replace('version: 1', 'version: 2').replace(
      `  - level: tactical
    grade: medium
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] }`,
      `  - level: operational
    grade: medium
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] }`,
    )
    expect(draft).not.toBe(IED_CLUSTER)
    const body = (await preview({ rule: draft, ...MARCH })).json()
    expect(body.rule).toMatchObject({ id: 'HOS-101', version: 2, replacesLive: true })
    expect(body.counts.byLevelAndGrade).toEqual([{ level: 'operational', grade: 'critical', count: 1 }, { level: 'operational', grade: 'medium', count: 1 }])
    expect(body.reports.replayed).toBe(6)
    // The live rule is untouched.
    expect((await t!.app.inject({ method: 'GET', url: '/rules/HOS-101' })).json().source).toBe(IED_CLUSTER)
  })

  it('adds a draft with a new id beside the live rules, given as an object, and filters by mission', async () => {
    await start()
    for (const r of STREAM) await post(r)
    await post(report({ id: 'S1', mission: 'MINUSCA', occurredAt: '2026-03-07T08:00:00Z', location: { lat: 4.36, lon: 18.56, route: 'MSR-1' } }))
    const draft = parseYaml(rule('HOS-150', `taxonomy: [HOS.IED]
scope: { groupBy: [route] }
window: 30d
expires: 30d
alerts:
  - { level: tactical, grade: high, when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] } }`)) as Record<string, unknown>

    const all = (await preview({ rule: draft, ...MARCH })).json()
    expect(all.rule).toMatchObject({ id: 'HOS-150', replacesLive: false })
    expect(all.alerts.map((a: { identity: string; count: number }) => `${a.identity} ${a.count}`)).toEqual([
      'HOS-150|MINUSMA|route=MSR-1 4', 'HOS-150|MINUSMA|route=MSR-2 2',
    ])

    const minusca = (await preview({ rule: draft, ...MARCH, mission: 'MINUSCA' })).json()
    expect(minusca.reports.replayed).toBe(1)
    expect(minusca.alerts).toEqual([])
  })

  it('leaves out retracted reports', async () => {
    await start()
    for (const r of STREAM.slice(1, 3)) await post(r)
    await post(ied('A2', '2026-03-03T08:00:00Z'))
    expect((await preview({ rule: IED_CLUSTER, ...MARCH })).json().counts.total).toBe(1)
    await t!.app.inject({ method: 'DELETE', url: '/reports/A2', payload: { reason: 'duplicate of A1' } })
    const body = (await preview({ rule: IED_CLUSTER, ...MARCH })).json()
    expect(body.reports.replayed).toBe(2)
    expect(body.counts.total).toBe(0)
  })

  it('refuses a draft that fails the rule check: 400 with each problem at its field path and place in the text', async () => {
    await start()
    const text = fs.readFileSync(path.join(BAD_RULES_DIR, 'unknown-operator.bad.yaml'), 'utf8')
    const res = await preview({ rule: text, ...MARCH })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'VIGIL_RULE_INVALID',
      problems: [{ path: 'rule.alerts.0.when.all.0.operator', message: "unknown operator 'greaterThen' (did you mean 'greaterThan'?)", detail: { line: 17, column: 21 } }],
    })

    const asJson = JSON.stringify({ ...(parseYaml(IED_CLUSTER) as object), window: '2 weeks' })
    const json = await preview({ rule: asJson, ...MARCH })
    expect(json.statusCode).toBe(400)
    expect(json.json().problems).toEqual([expect.objectContaining({ path: 'rule.window', detail: { line: 1, column: asJson.indexOf('"2 weeks"') + 1 } })])

    const syntax = await preview({ rule: 'id: HOS-101\ntitle: [unclosed', ...MARCH })
    expect(syntax.json().problems[0]).toMatchObject({ path: 'rule', message: expect.stringContaining('syntax: Flow sequence'), detail: { line: 2 } })
  })

  it('applies the file checks that need the rule set: an id held by a deprecated rule is refused', async () => {
    await start({
      'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER,
      'deprecated/HOS-130-retired.yaml': rule('HOS-130', 'taxonomy: [HOS]'),
    })
    const res = await preview({ rule: IED_CLUSTER.replace('id: HOS-101', 'id: HOS-130'), ...MARCH })
    expect(res.statusCode).toBe(400)
    expect(res.json().problems).toEqual([
      { path: 'rule.id', message: 'id HOS-130 belongs to the deprecated rule deprecated/HOS-130-retired.yaml; ids are never reused', detail: { line: 1, column: 5 } },
    ])
  })

  it('bounds the range and names the field: to after from, at most 366 days, a known mission', async () => {
    await start()
    const tooLong = await preview({ rule: IED_CLUSTER, from: '2025-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.json().problems).toEqual([{ path: 'to', message: 'a preview covers at most 366 days; split the range' }])
    const backwards = await preview({ rule: IED_CLUSTER, from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' })
    expect(backwards.json().problems).toEqual([{ path: 'to', message: 'must be after from' }])
    const mission = await preview({ rule: IED_CLUSTER, ...MARCH, mission: 'UNKNOWN' })
    expect(mission.statusCode).toBe(400)
    expect(mission.json().problems).toEqual([expect.objectContaining({ path: 'mission', message: "unknown mission 'UNKNOWN'" })])
    const missing = await preview({ ...MARCH })
    expect(missing.json().problems).toEqual([expect.objectContaining({ path: 'rule' })])
  })

  it('refuses a draft nested 20,000 deep, as an object, as JSON text and as YAML text: 400 VIGIL_RULE_INVALID, never a 500', async () => {
    await start()
    // Bodies written as text: printing a 20,000-deep object overflows the test's own stack.
    const deepJson = '{"all": ['.repeat(20_000) + '{ "fact": "count", "operator": "equal", "value": 1 }' + ']}'.repeat(20_000)
    const drafts = {
      object: `{"id": "HOS-102", "title": "deep", "match": ${deepJson}}`,
      json: JSON.stringify(`{"id": "HOS-102", "match": ${deepJson}}`),
      yaml: JSON.stringify('id: HOS-102\nmatch: ' + '[ '.repeat(20_000) + '1' + ' ]'.repeat(20_000) + '\n'),
    }
    for (const [form, rule] of Object.entries(drafts)) {
      const res = await t!.app.inject({ method: 'POST', url: '/rules/preview', headers: { 'content-type': 'application/json' },
        payload: `{"rule": ${rule}, "from": "${MARCH.from}", "to": "${MARCH.to}"}` })
      expect({ form, status: res.statusCode, code: (res.json() as { code: string }).code }).toEqual({ form, status: 400, code: 'VIGIL_RULE_INVALID' })
      const problems = (res.json() as { problems: { message: string }[] }).problems
      expect(problems.some((p) => /nested more than 64 levels/.test(p.message)), `${form}: ${JSON.stringify(problems).slice(0, 300)}`).toBe(true)
    }
  })
})
