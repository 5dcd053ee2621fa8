import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { CLASHES, IED_CLUSTER } from '../helpers/test-rules.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const IED_FILE = 'hostile-acts/HOS-101-ied.yaml'
const CLASH_FILE = 'inter-communal/COM-101-clashes.yaml'

async function start(files: Record<string, string>) {
  t = await testApp({ rulesDir: writeRules(files), now: '2026-03-01T00:00:00Z' })
}

const get = async (url: string) => t!.app.inject({ method: 'GET', url })

describe('GET /rules and GET /rules/:id', () => {
  it('lists the live rules with id, title, status, taxonomy and levels, in id order', async () => {
    await start({ [IED_FILE]: IED_CLUSTER, [CLASH_FILE]: CLASHES })
    const res = await get('/rules')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.version).toMatch(/^[0-9a-f]{12}$/)
    expect(body.rules).toEqual([
      expect.objectContaining({ id: 'COM-101', title: 'Test indicator COM-101', status: 'experimental', taxonomy: ['COM.CLASH'], levels: ['tactical'], thresholds: [{ level: 'tactical', grade: 'high' }], file: CLASH_FILE }),
      expect.objectContaining({
        id: 'HOS-101', taxonomy: ['HOS.IED', 'ARM.IEDACT'], levels: ['tactical', 'operational'],
        thresholds: [{ level: 'operational', grade: 'critical' }, { level: 'operational', grade: 'high' }, { level: 'tactical', grade: 'medium' }],
      }),
    ])
  })

  it('returns one rule parsed (defaults filled in) with its source text exactly as written', async () => {
    await start({ [IED_FILE]: IED_CLUSTER })
    const res = await get('/rules/HOS-101')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.source).toBe(IED_CLUSTER)
    expect(body.file).toBe(IED_FILE)
    expect(body.rule).toMatchObject({ id: 'HOS-101', window: '14d', input: 'reports', includeUnassessed: false, scope: { groupBy: ['route'] }, trend: { periods: 4 } })
    expect(body.rule.alerts[2]).toEqual({ level: 'tactical', grade: 'medium', when: { all: [{ fact: 'count', operator: 'greaterThanInclusive', value: 2 }] } })
  })

  it('answers an unknown id with a coded 404, and a malformed one with a 400 naming params.id', async () => {
    await start({ [IED_FILE]: IED_CLUSTER })
    const missing = await get('/rules/HOS-999')
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ code: 'VIGIL_RULE_NOT_FOUND', message: "no live rule 'HOS-999'" })
    const bad = await get('/rules/hos-1')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().problems).toEqual([expect.objectContaining({ path: 'params.id' })])
  })
})
