import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testApp, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'

let t: TestApp
beforeEach(async () => { t = await testApp() })
afterEach(async () => { await t.close() })

const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/reports', payload: body as object })

describe('POST /reports', () => {
  it('stores a report classified against the taxonomy and returns it', async () => {
    const res = await post(report())
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.report).toMatchObject({ id: 'MINUSMA-2026-000001', category: 'HOS.IED', categoryTerm: 'HOS.IED', revision: 1, status: 'active' })
    expect(body.report.casualties.killed.un).toEqual({ military: 0, police: 0, civilian: 0 })
    expect(body.alerts).toEqual([])
    const got = await t.app.inject({ method: 'GET', url: '/reports/MINUSMA-2026-000001' })
    expect(got.statusCode).toBe(200)
    expect(got.json().report.category).toBe('HOS.IED')
    expect(got.json().history).toHaveLength(1)
  })

  it('resolves mission aliases case-insensitively and keeps the original terms', async () => {
    const res = await post(report({ category: 'eei', categories: ['Embuscade'] }))
    expect(res.statusCode).toBe(201)
    expect(res.json().report).toMatchObject({ category: 'HOS.IED', categoryTerm: 'eei', categories: ['HOS.DIRECT'], categoryTerms: ['Embuscade'] })
  })

  it('does not resolve another mission\'s alias', async () => {
    const res = await post(report({ mission: 'UNMISS', category: 'EEI' }))
    expect(res.statusCode).toBe(400)
    expect(res.json().problems[0].path).toBe('category')
  })

  it('answers an unknown category with a 400 that lists the closest codes', async () => {
    const res = await post(report({ category: 'HOS.IDE' }))
    expect(res.statusCode).toBe(400)
    const p = res.json().problems[0]
    expect(p.path).toBe('category')
    expect(p.message).toContain('HOS.IED')
    expect(p.detail.closest).toContain('HOS.IED')
  })

  it('accepts the identical report twice, stores it once and replays the first answer', async () => {
    const first = await post(report())
    const again = await post(report())
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json()).toEqual(first.json())
    const list = await t.app.inject({ method: 'GET', url: '/reports' })
    expect(list.json().items).toHaveLength(1)
  })

  it('treats the same content written differently (time zone, defaults) as the same report', async () => {
    await post(report())
    const again = await post(report({ occurredAt: '2026-03-01T09:00:00+01:00', casualties: { killed: { un: { military: 0 } } }, targets: [] }))
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
  })

  it('refuses the same id with different content with a 409 that points to revision', async () => {
    await post(report())
    const res = await post(report({ narrative: 'changed' }))
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'VIGIL_REPORT_CONFLICT', revise: 'PUT /reports/MINUSMA-2026-000001' })
    expect(res.json()).not.toHaveProperty('revision')
  })
})

describe('field validation', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['missing id', { id: undefined }, 'id'],
    ['bad id characters', { id: 'has spaces' }, 'id'],
    ['unknown mission', { mission: 'MINUSXX' }, 'mission'],
    ['malformed mission', { mission: 'minusma' }, 'mission'],
    ['occurredAt not a date', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['occurredAt without time zone', { occurredAt: '2026-03-01T08:00:00' }, 'occurredAt'],
    ['occurredAt in year 0', { occurredAt: '0000-01-01T00:00:00Z' }, 'occurredAt'],
    ['occurredAt far in the future', { occurredAt: '9999-01-01T00:00:00Z' }, 'occurredAt'],
    ['reportedAt before occurredAt', { reportedAt: '2026-02-01T00:00:00Z' }, 'reportedAt'],
    ['bad datePrecision', { datePrecision: 'year' }, 'datePrecision'],
    ['latitude out of range', { location: { lat: 91 } }, 'location.lat'],
    ['longitude out of range', { location: { lon: -181 } }, 'location.lon'],
    ['latitude not a number', { location: { lat: '16' } }, 'location.lat'],
    ['bad location precision', { location: { precision: 'street' } }, 'location.precision'],
    ['unknown location field', { location: { town: 'Gao' } }, 'location.town'],
    ['empty category', { category: '' }, 'category'],
    ['unknown secondary category', { categories: ['HOS.IED', 'NOPE'] }, 'categories.1'],
    ['negative casualties', { casualties: { killed: { civilian: -1 } } }, 'casualties.killed.civilian'],
    ['fractional casualties', { casualties: { injured: { un: { police: 1.5 } } } }, 'casualties.injured.un.police'],
    ['unknown target', { targets: ['UN_TANK'] }, 'targets.0'],
    ['bad actor type', { actors: [{ name: 'X', type: 'pirate' }] }, 'actors.0.type'],
    ['reliability outside A-F', { source: { reliability: 'G' } }, 'source.reliability'],
    ['credibility outside 1-6', { source: { credibility: 7 } }, 'source.credibility'],
    ['missing source', { source: undefined }, 'source'],
    ['narrative too long', { narrative: 'x'.repeat(10_001) }, 'narrative'],
    ['unknown top-level field', { severity: 3 }, 'severity'],
  ]
  for (const [name, over, path] of cases) {
    it(`rejects ${name} with a 400 naming ${path || 'the body'}`, async () => {
      const body = report(over)
      for (const [k, v] of Object.entries(over)) if (v === undefined) delete body[k]
      const res = await post(body)
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('VIGIL_VALIDATION')
      expect(res.json().problems.map((p: { path: string }) => p.path)).toContain(path)
    })
  }

  it('lists every problem of a report at once', async () => {
    const res = await post(report({ mission: 'NOPE', category: 'NOPE', location: { lat: 100, lon: 200 } }))
    expect(res.statusCode).toBe(400)
    const paths = res.json().problems.map((p: { path: string }) => p.path)
    expect(paths).toEqual(expect.arrayContaining(['location.lat', 'location.lon']))
  })

  it('lists schema and classification problems together: a bad date hides neither an unknown category nor an unknown mission', async () => {
    const body = report({ mission: 'MINUSXX', category: 'HOS.IDE', occurredAt: 'yesterday', severity: 3, categories: ['HOS.IED', 'NOPE'] })
    for (const res of [await post(body), await t.app.inject({ method: 'PUT', url: '/reports/MINUSMA-2026-000001', payload: body })]) {
      expect(res.statusCode).toBe(400)
      const problems = res.json().problems as { path: string; message: string }[]
      expect(problems.map((p) => p.path).sort()).toEqual(['categories.1', 'category', 'mission', 'occurredAt', 'severity'])
      expect(problems.find((p) => p.path === 'category')!.message).toContain('closest: HOS.IED')
      expect(problems.find((p) => p.path === 'severity')!.message).toBe("unknown field 'severity'")
    }
  })

  it('answers malformed JSON with a 400, and a body over the limit with a 413', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/reports', headers: { 'content-type': 'application/json' }, payload: '{"id": ' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().code).toBe('VIGIL_BAD_JSON')
    const big = await t.app.inject({ method: 'POST', url: '/reports', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(report({ narrative: 'x'.repeat(2_000_000) })) })
    expect(big.statusCode).toBe(413)
  })

  it('refuses prototype-pollution keys', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/reports', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"admin": true}, "id": "X-1"}' })
    expect(res.statusCode).toBe(400)
  })
})

describe('revision and retraction', () => {
  it('PUT stores a new revision and keeps the history', async () => {
    await post(report())
    const res = await t.app.inject({ method: 'PUT', url: '/reports/MINUSMA-2026-000001', payload: report({ casualties: { killed: { un: { military: 1 } } } }) })
    expect(res.statusCode).toBe(200)
    expect(res.json().report).toMatchObject({ revision: 2, casualties: { killed: { un: { military: 1 } } } })
    const got = (await t.app.inject({ method: 'GET', url: '/reports/MINUSMA-2026-000001' })).json()
    expect(got.history.map((h: { revision: number; kind: string }) => [h.revision, h.kind])).toEqual([[1, 'create'], [2, 'revise']])
    expect(got.history[0].report.casualties.killed.un.military).toBe(0)
  })

  it('PUT with unchanged content stores nothing new', async () => {
    await post(report())
    const res = await t.app.inject({ method: 'PUT', url: '/reports/MINUSMA-2026-000001', payload: report() })
    expect(res.statusCode).toBe(200)
    expect(res.json().report.revision).toBe(1)
  })

  it('PUT answers 404 for an unknown report and 400 when the ids differ', async () => {
    expect((await t.app.inject({ method: 'PUT', url: '/reports/NOPE-1', payload: report({ id: 'NOPE-1' }) })).statusCode).toBe(404)
    await post(report())
    const res = await t.app.inject({ method: 'PUT', url: '/reports/MINUSMA-2026-000001', payload: report({ id: 'OTHER-1' }) })
    expect(res.statusCode).toBe(400)
    expect(res.json().problems[0].path).toBe('id')
  })

  it('DELETE retracts (kept, marked, with its reason); repeating it is harmless; a retracted report cannot be revised', async () => {
    await post(report())
    const res = await t.app.inject({ method: 'DELETE', url: '/reports/MINUSMA-2026-000001', payload: { reason: 'duplicate of another report' } })
    expect(res.statusCode).toBe(200)
    expect(res.json().report).toMatchObject({ status: 'retracted', revision: 2, retractedReason: 'duplicate of another report' })
    expect((await t.app.inject({ method: 'DELETE', url: '/reports/MINUSMA-2026-000001' })).statusCode).toBe(200)
    const put = await t.app.inject({ method: 'PUT', url: '/reports/MINUSMA-2026-000001', payload: report({ narrative: 'x' }) })
    expect(put.statusCode).toBe(409)
    expect(put.json().code).toBe('VIGIL_REPORT_RETRACTED')
    expect((await t.app.inject({ method: 'DELETE', url: '/reports/NOPE-1' })).statusCode).toBe(404)
  })
})

describe('POST /reports/batch', () => {
  it('stores the good items and reports each bad one with its problems', async () => {
    const items = [
      report({ id: 'B-1' }),
      report({ id: 'B-2', location: { lat: 999 } }),
      report({ id: 'B-3', category: 'eei' }),
      { nonsense: true },
      report({ id: 'B-1' }),
    ]
    const res = await t.app.inject({ method: 'POST', url: '/reports/batch', payload: items })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ accepted: 2, replayed: 1, rejected: 2 })
    expect(body.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 201, 400, 201])
    expect(body.results[1].problems[0].path).toBe('location.lat')
    expect(body.results[1].id).toBe('B-2')
  })

  it('lists every problem of a bad item, schema and classification together', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/reports/batch', payload: [report({ id: 'B-9', occurredAt: 'soon', category: 'NOPE', extra: 1 })] })
    expect(res.json().results[0].problems.map((p: { path: string }) => p.path).sort()).toEqual(['category', 'extra', 'occurredAt'])
  })

  it('takes NDJSON, with a bad line reported on its own', async () => {
    const lines = [JSON.stringify(report({ id: 'N-1' })), '{not json', JSON.stringify(report({ id: 'N-2' }))].join('\n')
    const res = await t.app.inject({ method: 'POST', url: '/reports/batch', headers: { 'content-type': 'application/x-ndjson' }, payload: lines })
    expect(res.statusCode).toBe(200)
    expect(res.json().results.map((r: { status: number }) => r.status)).toEqual([201, 400, 201])
    expect(res.json().results[1].code).toBe('VIGIL_BAD_JSON')
  })

  it('stores a batch in one transaction per chunk of reports; a conflicting item is refused alone and the rest stored', async () => {
    const transactions = async () => Number(/^vigil_write_transactions_total (\d+)/m.exec((await t.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1])
    const before = await transactions()
    const items = Array.from({ length: 150 }, (_, i) => report({ id: `CH-${i}`, occurredAt: new Date(Date.parse('2026-02-01T00:00:00Z') + i * 60_000).toISOString() }))
    const res = await t.app.inject({ method: 'POST', url: '/reports/batch', payload: items })
    expect(res.json()).toMatchObject({ accepted: 150, replayed: 0, rejected: 0 })
    // 150 reports in chunks of 100: two jobs, and the batch's audit record (one job per report
    // committed every few reports before).
    expect(await transactions() - before).toBeLessThanOrEqual(3)

    // CH-7 again with another narrative: a conflict. Its chunk is rolled back and written one by one.
    const mixed = [report({ id: 'CH-200' }), report({ id: 'CH-7', occurredAt: items[7]!.occurredAt, narrative: 'Changed.' }), report({ id: 'CH-201' }), items[8]!]
    const again = await t.app.inject({ method: 'POST', url: '/reports/batch', payload: mixed })
    expect(again.json()).toMatchObject({ accepted: 2, replayed: 1, rejected: 1 })
    expect(again.json().results.map((r: { status: number; code?: string }) => r.code ?? r.status)).toEqual([201, 'VIGIL_REPORT_CONFLICT', 201, 201])
    for (const id of ['CH-200', 'CH-201', 'CH-149']) expect((await t.app.inject({ method: 'GET', url: `/reports/${id}` })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/reports/CH-7' })).json().report.narrative).toBe(items[7]!.narrative)
  })

  it('refuses a batch over the configured maximum with a 413', async () => {
    const small = await testApp({ config: { batchMax: 2 } })
    try {
      const res = await small.app.inject({ method: 'POST', url: '/reports/batch', payload: [report({ id: 'a' }), report({ id: 'b' }), report({ id: 'c' })] })
      expect(res.statusCode).toBe(413)
      expect(res.json().code).toBe('VIGIL_BATCH_TOO_LARGE')
    } finally {
      await small.close()
    }
  })
})

describe('GET /reports', () => {
  it('filters by mission, category prefix, admin1 and time, and pages with a cursor', async () => {
    const rows = [
      report({ id: 'L-1', occurredAt: '2026-02-01T00:00:00Z' }),
      report({ id: 'L-2', occurredAt: '2026-02-02T00:00:00Z', category: 'ARM.CLASH' }),
      report({ id: 'L-3', occurredAt: '2026-02-03T00:00:00Z', location: { admin1: 'Mopti' } }),
      report({ id: 'L-4', occurredAt: '2026-02-04T00:00:00Z', mission: 'MINUSCA' }),
      report({ id: 'L-5', occurredAt: '2026-02-05T00:00:00Z' }),
    ]
    await t.app.inject({ method: 'POST', url: '/reports/batch', payload: rows })
    const ids = async (q: string) => (await t.app.inject({ method: 'GET', url: `/reports?${q}` })).json().items.map((r: { id: string }) => r.id)
    expect(await ids('mission=MINUSMA')).toEqual(['L-1', 'L-2', 'L-3', 'L-5'])
    expect(await ids('category=HOS')).toEqual(['L-1', 'L-3', 'L-4', 'L-5'])
    expect(await ids('category=ARM.CLASH')).toEqual(['L-2'])
    expect(await ids('admin1=Mopti')).toEqual(['L-3'])
    expect(await ids('from=2026-02-02T00:00:00Z&to=2026-02-04T00:00:00Z')).toEqual(['L-2', 'L-3'])

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await t.app.inject({ method: 'GET', url: `/reports?limit=2${cursor ? `&cursor=${cursor}` : ''}` })).json()
      seen.push(...page.items.map((r: { id: string }) => r.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['L-1', 'L-2', 'L-3', 'L-4', 'L-5'])
  })

  it('answers a tampered cursor and a bad filter with a 400 naming the query field', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/reports?cursor=garbage' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().problems[0].path).toBe('query.cursor')
    const lim = await t.app.inject({ method: 'GET', url: '/reports?limit=0' })
    expect(lim.statusCode).toBe(400)
    expect(lim.json().problems[0].path).toBe('query.limit')
  })
})
