import { check, getIssues } from '@placemarkio/check-geojson'
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const get = (url: string, headers: Record<string, string> = {}) => t!.app.inject({ method: 'GET', url, headers })

async function seed() {
  t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }), now: '2026-03-10T12:00:00Z' })
  const items = [
    report({ id: 'E-1', occurredAt: '2026-03-10T06:00:00Z', location: { route: 'MSR-1', place: 'Km 12, "north" gate' } }),
    report({ id: 'E-2', occurredAt: '2026-03-10T07:00:00Z', location: { route: 'MSR-1' }, casualties: { killed: { un: { military: 1 }, civilian: 2 }, injured: { un: { police: 3 } } }, actors: [{ name: '=HYPERLINK("x")', type: 'armed-group' }] }),
    report({ id: 'E-3', mission: 'MINUSCA', occurredAt: '2026-03-10T08:00:00Z', category: 'HOS.DIRECT', location: { lat: 6.6111, lon: 20.9394, admin1: 'Ouaka', admin2: 'Bambari', route: 'RN-2' } }),
    report({ id: 'E-4', occurredAt: '2026-03-09T08:00:00Z', category: 'COM.CLASH', location: { route: 'RN-16' } }),
  ]
  const res = await t.app.inject({ method: 'POST', url: '/reports/batch', payload: items })
  expect(res.statusCode).toBe(200)
  expect((await t.app.inject({ method: 'DELETE', url: '/reports/E-4' })).statusCode).toBe(200)
}

/** The CSV's rows as cells (quoted cells with commas and doubled quotes undone). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { row.push(cell); cell = '' } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ } else cell += ch
  }
  return rows
}

describe('GeoJSON exports (RFC 7946)', () => {
  it('GET /reports.geojson is a valid FeatureCollection of points in longitude, latitude order', async () => {
    await seed()
    const res = await get('/reports.geojson')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8')
    expect(getIssues(res.body)).toEqual([])
    const fc = check(res.body) as unknown as { type: string; features: { id: string; geometry: { type: string; coordinates: number[] }; properties: Record<string, unknown> }[] }
    expect(fc.type).toBe('FeatureCollection')
    expect(fc.features.map((f) => f.id)).toEqual(['E-4', 'E-1', 'E-2', 'E-3'])
    const bambari = fc.features.find((f) => f.id === 'E-3')!
    expect(bambari.geometry).toEqual({ type: 'Point', coordinates: [20.9394, 6.6111] })
    expect(fc.features.find((f) => f.id === 'E-2')!.properties).toMatchObject({ killed: 3, unKilled: 1, injured: 3, unInjured: 3, route: 'MSR-1' })
    expect(res.body).not.toContain('narrative')
  })

  it('takes the filters of GET /reports', async () => {
    await seed()
    const ids = async (q: string) => (JSON.parse((await get(`/reports.geojson?${q}`)).body).features as { id: string }[]).map((f) => f.id)
    expect(await ids('mission=MINUSCA')).toEqual(['E-3'])
    expect(await ids('status=retracted')).toEqual(['E-4'])
    expect(await ids('category=HOS.IED&from=2026-03-10T06:30:00Z')).toEqual(['E-2'])
    expect((await get('/reports.geojson?category=hos')).statusCode).toBe(400)
  })

  it('GET /alerts.geojson is valid GeoJSON of the active alerts, each at its centroid', async () => {
    await seed()
    const res = await get('/alerts.geojson')
    expect(getIssues(res.body)).toEqual([])
    const fc = JSON.parse(res.body) as { features: { geometry: { coordinates: number[] }; properties: { route: string; level: string; grade: string } }[] }
    expect(fc.features.map((f) => f.properties)).toEqual([expect.objectContaining({ route: 'MSR-1', level: 'tactical', grade: 'medium' })])
    expect(fc.features[0]!.geometry).toEqual({ type: 'Point', coordinates: [-0.0447, 16.2667] })
    expect(JSON.parse((await get('/alerts.geojson?status=resolved')).body).features).toEqual([])
    expect(JSON.parse((await get('/alerts.geojson?mission=MINUSCA')).body).features).toEqual([])
  })
})

describe('CSV exports with an HXL row', () => {
  it('GET /reports.csv: a header row, the HXL hashtag row, a row per report, cells quoted and formulas defused', async () => {
    await seed()
    const res = await get('/reports.csv')
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present')
    expect(res.headers['content-disposition']).toBe('attachment; filename="reports.csv"')
    const rows = parseCsv(res.body)
    expect(rows[0]!.slice(0, 3)).toEqual(['id', 'mission', 'occurred_at'])
    expect(rows[1]).toEqual([
      '#event+id', '#org+mission', '#date+occurred', '#date+reported', '#event+type+code', '#event+type+name', '#adm1+name', '#adm1+code', '#adm2+name',
      '#adm2+code', '#loc+name', '#loc+route', '#loc+site', '#geo+lat', '#geo+lon', '#geo+precision', '#affected+killed', '#affected+injured',
      '#affected+abducted', '#affected+killed+un', '#affected+injured+un', '#group+name+first', '#meta+source+grade', '#status',
    ])
    expect(rows).toHaveLength(6)
    const byId = Object.fromEntries(rows.slice(2).map((r) => [r[0], Object.fromEntries(rows[0]!.map((h, i) => [h, r[i]]))]))
    expect(byId['E-1']!.place).toBe('Km 12, "north" gate')
    expect(byId['E-2']).toMatchObject({ killed: '3', un_killed: '1', injured: '3', perpetrator: '\'=HYPERLINK("x")', source_grade: 'B2', status: 'active' })
    // Placed by the MINUSCA gazetteer: the canonical prefecture and its P-code.
    expect(byId['E-3']).toMatchObject({ mission: 'MINUSCA', admin1: 'Ouaka', admin1_pcode: 'CF43', lat: '6.6111', lon: '20.9394' })
    expect(byId['E-4']!.status).toBe('retracted')
  })

  it('GET /alerts.csv carries coined HXL attributes for alerts', async () => {
    await seed()
    const rows = parseCsv((await get('/alerts.csv')).body)
    expect(rows[1]!.slice(0, 6)).toEqual(['#event+alert+id', '#org+mission', '#indicator+code', '#event+type+code', '#event+alert+level', '#severity'])
    expect(rows).toHaveLength(3)
    expect(rows[2]!.slice(1, 6)).toEqual(['MINUSMA', 'HOS-101', 'HOS', 'tactical', 'medium'])
  })

  it('streams a large export page by page, every report once', async () => {
    t = await testApp({ now: '2026-03-10T12:00:00Z' })
    const items = Array.from({ length: 1_050 }, (_, i) => report({ id: `BULK-${String(i).padStart(5, '0')}`, occurredAt: '2026-03-01T00:00:00Z' }))
    expect((await t.app.inject({ method: 'POST', url: '/reports/batch', payload: items })).statusCode).toBe(200)
    const csv = await get('/reports.csv')
    expect(csv.headers['transfer-encoding']).toBe('chunked')
    const ids = parseCsv(csv.body).slice(2).map((r) => r[0])
    expect(ids).toHaveLength(1_050)
    expect(new Set(ids).size).toBe(1_050)
    const geo = await get('/reports.geojson')
    expect(getIssues(geo.body)).toEqual([])
    expect(JSON.parse(geo.body).features).toHaveLength(1_050)
  })
})
