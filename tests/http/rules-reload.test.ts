import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { CLASHES, IED_CLUSTER, rule } from '../helpers/test-rules.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const IED_FILE = 'hostile-acts/HOS-101-ied.yaml'
const CLASH_FILE = 'inter-communal/COM-101-clashes.yaml'

/** A rule on IED events by route whose thresholds differ by version: for reloads mid-stream. */
function iedLadder(thresholds: string): string {
  return rule('HOS-120', `taxonomy: [HOS.IED]
scope: { groupBy: [route] }
window: 14d
expires: 14d
alerts:
${thresholds}`)
}
const threshold = (level: string, grade: string, count: number) =>
  `  - { level: ${level}, grade: ${grade}, when: { all: [ { fact: count, operator: greaterThanInclusive, value: ${count} } ] } }`

async function start(files: Record<string, string>) {
  const dir = writeRules(files)
  t = await testApp({ rulesDir: dir, now: '2026-03-01T00:00:00Z' })
  return { t, dir }
}

/** Writes (or overwrites) one rule file in a rules directory. */
const put = (dir: string, file: string, text: string) => writeRules({ [file]: text }, dir)
const get = async (url: string) => t!.app.inject({ method: 'GET', url })
const reload = async () => t!.app.inject({ method: 'POST', url: '/rules/reload' })
const status = async () => (await get('/rules/status')).json()

describe('reload', () => {
  it('GET /rules/status shows the live version and when it was loaded, with no failure yet', async () => {
    await start({ [IED_FILE]: IED_CLUSTER })
    expect(await status()).toMatchObject({
      version: expect.stringMatching(/^[0-9a-f]{12}$/), loadedAt: '2026-03-01T00:00:00.000Z', rules: 1, lastFailure: null,
    })
  })

  it('refuses a set with a broken file: 422 with every problem positioned, the old set stays live, readiness stays green', async () => {
    const { dir } = await start({ [IED_FILE]: IED_CLUSTER })
    const before = await status()
    put(dir, CLASH_FILE, CLASHES.replace('operator: greaterThanInclusive', 'operator: greaterThen').replace('window: 7d', 'window: 7 days'))
    t!.clock.set('2026-03-02T00:00:00Z')

    const res = await reload()
    expect(res.statusCode).toBe(422)
    const body = res.json()
    expect(body).toMatchObject({ code: 'VIGIL_RULES_RELOAD_REFUSED', live: before.version })
    expect(body.problems).toEqual([
      { path: 'window', message: expect.stringContaining('a duration such as 72h'), detail: { file: CLASH_FILE, line: 9, column: 9 } },
    ])
    // The schema problem hides the meaning problems of the same file; fixing it shows the next one.
    put(dir, CLASH_FILE, CLASHES.replace('operator: greaterThanInclusive', 'operator: greaterThen'))
    const again = (await reload()).json()
    expect(again.problems).toEqual([
      { path: 'alerts.0.when.all.0.operator', message: "unknown operator 'greaterThen' (did you mean 'greaterThan'?)", detail: { file: CLASH_FILE, line: 14, column: 45 } },
    ])

    const after = await status()
    expect(after).toMatchObject({ version: before.version, loadedAt: before.loadedAt, rules: 1 })
    expect(after.lastFailure).toMatchObject({ ok: false, changed: false, trigger: 'http', at: '2026-03-02T00:00:00.000Z', problems: [{ file: CLASH_FILE, path: 'alerts.0.when.all.0.operator' }] })
    expect(after.lastAttempt).toEqual(after.lastFailure)
    expect((await get('/rules')).json().rules.map((r: { id: string }) => r.id)).toEqual(['HOS-101'])
    expect((await get('/readyz')).statusCode).toBe(200)

    // The old set keeps evaluating, and its alerts record its version.
    await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'R1', occurredAt: '2026-03-01T08:00:00Z' }) })
    const raised = (await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'R2', occurredAt: '2026-03-01T09:00:00Z' }) })).json()
    const a = (await get(`/alerts/${raised.alerts[0].alertId}`)).json()
    expect(a).toMatchObject({ indicator: { id: 'HOS-101' }, ruleSetVersion: before.version })
  })

  it('refuses a rule file with bytes that are not UTF-8: the problem names the byte, the old set stays live', async () => {
    const { dir } = await start({ [IED_FILE]: IED_CLUSTER })
    const before = await status()
    // A Latin-1 "é" (0xE9) in a regex: read leniently it would become U+FFFD and match something else.
    const bytes = Buffer.from(IED_CLUSTER.replace('path: location.route, operator: exists, value: true', 'path: narrative, operator: matches, value: "défense"'), 'utf8')
    const at = bytes.indexOf(Buffer.from('é', 'utf8'))
    const latin1 = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe9]), bytes.subarray(at + 2)])
    fs.writeFileSync(path.join(dir, IED_FILE), latin1)
    const line = latin1.subarray(0, at).toString('latin1').split('\n').length
    const column = at - latin1.lastIndexOf(0x0a, at)

    const res = await reload()
    expect(res.statusCode).toBe(422)
    expect(res.json().problems).toEqual([
      { path: '', message: `invalid UTF-8 at byte ${at} (0xe9): save the file as UTF-8`, detail: { file: IED_FILE, line, column } },
    ])
    expect(await status()).toMatchObject({ version: before.version, loadedAt: before.loadedAt })
  })

  it('swaps in a clean set: 200, a new version and load time, while the last failure stays on record', async () => {
    const { dir } = await start({ [IED_FILE]: IED_CLUSTER })
    const first = await status()
    put(dir, CLASH_FILE, 'id: [')
    expect((await reload()).statusCode).toBe(422)
    put(dir, CLASH_FILE, CLASHES)
    t!.clock.set('2026-03-03T00:00:00Z')

    const res = await reload()
    expect(res.statusCode).toBe(200)
    const { attempt, status: now } = res.json()
    expect(attempt).toMatchObject({ ok: true, changed: true, trigger: 'http', problems: [] })
    expect(now).toMatchObject({ version: attempt.version, loadedAt: '2026-03-03T00:00:00.000Z', rules: 2 })
    expect(attempt.version).not.toBe(first.version)
    expect(now.lastFailure).toMatchObject({ ok: false, problems: [expect.objectContaining({ file: CLASH_FILE })] })

    // The same files again: nothing to swap, and the load time stays.
    t!.clock.set('2026-03-04T00:00:00Z')
    const same = (await reload()).json()
    expect(same.attempt).toMatchObject({ ok: true, changed: false, version: attempt.version })
    expect(same.status.loadedAt).toBe('2026-03-03T00:00:00.000Z')
  })

  it('lands a swap between two evaluations: no alert lost or doubled, each change made by exactly one version', async () => {
    const v1 = iedLadder([threshold('operational', 'high', 4), threshold('tactical', 'medium', 2)].join('\n'))
    const v2 = iedLadder([threshold('operational', 'critical', 5), threshold('operational', 'high', 4), threshold('tactical', 'medium', 2)].join('\n'))
    const { dir } = await start({ 'hostile-acts/HOS-120-ladder.yaml': v1 })
    const oldVersion = (await status()).version
    put(dir, 'hostile-acts/HOS-120-ladder.yaml', v2)
    t!.clock.set('2026-03-10T00:00:00Z')

    // All seven jobs join the write queue in this order within one turn of the event loop, so
    // they commit in one transaction: the reload lands between the third and fourth evaluation.
    const reports = ['01', '02', '03', '04', '05', '06'].map((d) => reportInputSchema.parse(report({ id: `L${d}`, occurredAt: `2026-03-${d}T08:00:00Z` })))
    const { ingest } = t!.app.vigil
    const early = reports.slice(0, 3).map((r) => ingest.create(r))
    const swap = t!.app.reloadRules('test')
    const late = reports.slice(3).map((r) => ingest.create(r))
    const [attempt] = await Promise.all([swap, ...early, ...late])
    expect(attempt).toMatchObject({ ok: true, changed: true })

    const history = (await get('/alerts/1/history')).json()
    expect(history.changes.map((c: { kind: string }) => c.kind)).toEqual(['raised', 'updated', 'escalated', 'escalated', 'updated'])
    expect(history.changes.map((c: { inputs: string[] }) => c.inputs)).toEqual([['L02'], ['L03'], ['L04'], ['L05'], ['L06']])
    expect(history.changes.map((c: { alert: { ruleSetVersion: string } }) => c.alert.ruleSetVersion))
      .toEqual([oldVersion, oldVersion, attempt.version, attempt.version, attempt.version])
    expect(history.alert).toMatchObject({ count: 6, level: 'operational', grade: 'critical', status: 'open' })
    expect((await get('/alerts/2')).statusCode).toBe(404)
  })
})
