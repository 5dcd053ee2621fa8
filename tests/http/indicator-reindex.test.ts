import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { CLASHES, IED_CLUSTER } from '../helpers/test-rules.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const clash = (id: string, hour: number) => report({ id, category: 'COM.CLASH', occurredAt: `2026-03-18T0${hour}:00:00Z`, location: { admin2: 'Ansongo' } })
const post = async (body: Record<string, unknown>) => {
  const res = await t!.app.inject({ method: 'POST', url: '/reports', payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { alerts: { kind: string; indicatorId: string }[] }
}

describe('rolling out a new or changed indicator', () => {
  it('a new indicator counts the recent past at once: its index is built from the stored reports', async () => {
    const dir = writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    t = await testApp({ rulesDir: dir, now: '2026-03-18T12:00:00Z' })
    await post(clash('C1', 1))
    await post(clash('C2', 2))
    fs.mkdirSync(path.join(dir, 'inter-communal'))
    fs.writeFileSync(path.join(dir, 'inter-communal/COM-101-clashes.yaml'), CLASHES)
    expect((await t.app.reloadRules('test')).ok).toBe(true)
    // The third clash is the third the new indicator counts, though it never saw the first two arrive.
    const third = await post(clash('C3', 3))
    expect(third.alerts).toMatchObject([{ kind: 'raised', indicatorId: 'COM-101' }])
    expect(t.app.vigil.alerts.all()[0]!.count).toBe(3)
  })

  it('a changed match is re-applied to the stored reports; a removed indicator drops its index', async () => {
    const dir = writeRules({ 'inter-communal/COM-101-clashes.yaml': CLASHES })
    t = await testApp({ rulesDir: dir, now: '2026-03-18T12:00:00Z' })
    await post(clash('C1', 1))
    await post(report({ ...clash('C2', 2), casualties: { killed: { civilian: 4 } } }))
    const narrowed = CLASHES.replace('scope:', 'match: { all: [ { fact: report, path: casualties.killed.civilian, operator: greaterThanInclusive, value: 1 } ] }\nscope:')
    fs.writeFileSync(path.join(dir, 'inter-communal/COM-101-clashes.yaml'), narrowed)
    expect((await t.app.reloadRules('test')).ok).toBe(true)
    // Only C2 counts under the new match, so two more deadly clashes are needed, not one.
    expect((await post(report({ ...clash('C3', 3), casualties: { killed: { civilian: 1 } } }))).alerts).toEqual([])
    expect((await post(report({ ...clash('C4', 4), casualties: { killed: { civilian: 1 } } }))).alerts).toMatchObject([{ kind: 'raised' }])

    fs.rmSync(path.join(dir, 'inter-communal'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'hostile-acts'))
    fs.writeFileSync(path.join(dir, 'hostile-acts/HOS-101-ied.yaml'), IED_CLUSTER)
    expect((await t.app.reloadRules('test')).ok).toBe(true)
    const Database = (await import('better-sqlite3')).default
    const db = new Database(t.dbFile, { readonly: true })
    try {
      expect(db.prepare("SELECT count(*) FROM indicator_inputs WHERE indicator_id = 'COM-101'").pluck().get()).toBe(0)
      expect(db.prepare('SELECT indicator_id FROM indicator_index').pluck().all()).toEqual(['HOS-101'])
    } finally {
      db.close()
    }
  })
})

describe('restarting on a stored history', () => {
  it('loads every indicator\'s look-back into memory before serving, so the first report is not the one that waits', async () => {
    const dir = writeRules({ 'inter-communal/COM-101-clashes.yaml': CLASHES })
    const dbFile = path.join(tempDir(), 'vigil.db')
    t = await testApp({ rulesDir: dir, now: '2026-03-18T12:00:00Z', dbFile })
    await post(clash('C1', 1))
    await post(clash('C2', 2))
    await t.close()
    t = await testApp({ rulesDir: dir, now: '2026-03-18T12:00:00Z', dbFile })
    const held = t.app.vigil.inputsInMemory()
    // One series per (indicator, mission), before any report arrives; the two clashes in it.
    expect(held.series).toBe(DEFAULT_MISSIONS.length)
    expect(held.rows).toBe(2)
    expect((await post(clash('C3', 3))).alerts).toMatchObject([{ kind: 'raised', indicatorId: 'COM-101' }])
  })
})
