import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { CLASHES, IED_CLUSTER } from '../helpers/test-rules.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { STANDARD_RULES_DIR } from '../../src/paths.js'

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

describe('rebuilding every index after an upgrade', () => {
  /** The rows of each report indicator's index within its look-back, as stored. */
  function indexedRows(t: TestApp, Database: typeof import('better-sqlite3')) {
    const now = t.clock()
    const db = new Database(t.dbFile, { readonly: true })
    try {
      const rows: unknown[] = []
      for (const ind of t.rules.current().indicators.filter((i) => i.rule.input === 'reports')) {
        rows.push(...db.prepare('SELECT * FROM indicator_inputs WHERE indicator_id = ? AND occurred_at > ? AND active = 1 ORDER BY input_id')
          .all(ind.rule.id, now - ind.lookbackMs))
      }
      return rows
    } finally {
      db.close()
    }
  }

  it('one pass over the stored reports rebuilds what live ingest indexed: every indicator, mission, look-back, secondary category, revision and retraction', async () => {
    const Database = (await import('better-sqlite3')).default
    const dbFile = path.join(tempDir(), 'vigil.db')
    const start = Date.parse('2026-01-01T00:00:00Z')
    const end = start + 120 * 86_400_000
    t = await testApp({ rulesDir: STANDARD_RULES_DIR, now: new Date(start).toISOString(), dbFile })
    const codes = [...new Set(t.rules.current().indicators.flatMap((i) => i.codes))].filter((c) => c.includes('.')).sort()
    const missions = ['MINUSCA', 'MINUSMA', 'UNMISS']
    let seed = 7
    const pick = <T>(xs: readonly T[]): T => xs[(seed = (seed * 48271) % 2147483647) % xs.length]!
    const ids: string[] = []
    for (let i = 0; i < 240; i++) {
      const at = start + Math.round((i / 240) * (end - start))
      t.clock.set(at + 3_600_000)
      const id = `UP-${i}`
      const body = report({
        id, mission: pick(missions), category: pick(codes), occurredAt: new Date(at).toISOString(),
        // Every third report also carries a second category: live ingest indexes it under that one's indicators too.
        ...(i % 3 === 0 ? { categories: [pick(codes)] } : {}),
        location: { admin1: pick(['Gao', 'Kidal', 'Mopti']), route: pick(['MSR-1', 'MSR-2']), ...(i % 4 === 0 ? { site: 'Camp A' } : {}) },
        casualties: { killed: { civilian: i % 5, un: { military: i % 7 === 0 ? 1 : 0 } } },
        source: { reliability: pick(['A', 'B', 'C', 'E']), credibility: pick([1, 2, 3]), sourceId: pick(['patrol', 'ngo', 'radio']) },
      })
      const res = await t.app.inject({ method: 'POST', url: '/reports', payload: body })
      expect(res.statusCode, res.body).toBe(201)
      ids.push(id)
      if (i % 17 === 5) {
        const revised = await t.app.inject({ method: 'PUT', url: `/reports/${id}`, payload: { ...body, category: pick(codes) } })
        expect(revised.statusCode, revised.body).toBe(200)
      }
      if (i % 23 === 11) expect((await t.app.inject({ method: 'DELETE', url: `/reports/${id}` })).statusCode).toBe(200)
    }
    t.clock.set(end + 3_600_000)
    const live = indexedRows(t, Database)
    expect(live.length).toBeGreaterThan(100)
    await t.close()

    // An upgrade that changed every indicator: no index is known to be current.
    const db = new Database(dbFile)
    db.prepare('DELETE FROM indicator_index').run()
    db.close()
    t = await testApp({ rulesDir: STANDARD_RULES_DIR, now: new Date(end + 3_600_000).toISOString(), dbFile })
    expect(indexedRows(t, Database)).toEqual(live)
  }, 60_000)
})
