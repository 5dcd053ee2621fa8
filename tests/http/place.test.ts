import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { GAZETTEER_DIR, STANDARD_RULES_DIR } from '../../src/paths.js'
import { tempDir, testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { rule } from '../helpers/test-rules.js'

/**
 * Place through HTTP: reports placed by the shipped MINUSCA gazetteer (real OCHA COD-AB
 * prefectures and Geo-PKO sites) and a hand-made MINUTEST one with a route; alerts carrying the
 * areas of their inputs into filters, silences, escalation, inhibition and area-scoped keys.
 */

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'gazetteer', 'minutest-5-areas-4-sites-1-route')
const MISSIONS = [...DEFAULT_MISSIONS, 'MINUTEST']
const NOW = '2026-03-20T12:00:00Z'
const BAMBARI = { lat: 5.7639, lon: 20.6707 }
const BANGUI = { lat: 4.3938, lon: 18.5598 }
/** In Ouaka (CF43), about 20 km from the Bambari base: outside its 5 km radius. */
const OUAKA_BUSH = { lat: 5.95, lon: 20.67 }

/** A gazetteer folder of our own: the shipped MINUSCA and the MINUTEST fixture, editable by a test. */
function gazetteerDir(): string {
  const dir = tempDir('vigil-gazetteer-')
  fs.cpSync(path.join(GAZETTEER_DIR, 'MINUSCA'), path.join(dir, 'MINUSCA'), { recursive: true })
  fs.cpSync(path.join(FIXTURE, 'MINUTEST'), path.join(dir, 'MINUTEST'), { recursive: true })
  return dir
}

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

async function start(opts: { rulesDir?: string; auth?: boolean; gazetteerDir?: string } = {}) {
  t = await testApp({ now: NOW, config: { missions: MISSIONS }, gazetteerDir: opts.gazetteerDir ?? gazetteerDir(), ...opts })
  return t
}

let n = 0
function minusca(location: Record<string, unknown>, over: Record<string, unknown> = {}) {
  n++
  return {
    id: `MINUSCA-PLACE-${n}`, mission: 'MINUSCA', occurredAt: '2026-03-18T08:00:00Z', location, category: 'HOS.INDIRECT',
    source: { reliability: 'B', credibility: 2, sourceId: `src-${n}` }, ...over,
  }
}

async function post(body: object, headers: Record<string, string> = {}) {
  return t!.app.inject({ method: 'POST', url: '/reports', payload: body, headers })
}

type Placed = { report: { place: Record<string, unknown>; placeNotes: { field: string; message: string }[] }; alerts: { alertId: number; indicatorId: string; level: string }[] }

describe('every report placed', () => {
  it('places a point in Bambari in Ouaka (CF43), at the Bambari base, by point in polygon and site radius', async () => {
    await start()
    const res = await post(minusca(BAMBARI))
    expect(res.statusCode, res.body).toBe(201)
    const { place, placeNotes } = (res.json() as Placed).report
    expect(place).toMatchObject({ admin1: 'Ouaka', admin1Pcode: 'CF43', site: 'Bambari', siteId: 'bambari', siteKind: 'base', precision: 'exact' })
    expect(place.distanceToSiteKm).toBeLessThan(0.1)
    expect(place.gazetteerVersion).toEqual(expect.any(String))
    expect(placeNotes).toEqual([])
  })

  it('puts a point outside every site radius at no site, still in its prefecture', async () => {
    await start()
    const { place } = ((await post(minusca(OUAKA_BUSH))).json() as Placed).report
    expect(place).toMatchObject({ admin1: 'Ouaka', admin1Pcode: 'CF43' })
    expect(place.site).toBeUndefined()
  })

  it('puts a point within a route corridor on the route, and one outside it on none', async () => {
    await start()
    const on = await post({ ...minusca({ lat: 0.805, lon: 11.3 }), mission: 'MINUTEST' })
    expect(on.statusCode, on.body).toBe(201)
    expect((on.json() as Placed).report.place).toMatchObject({ route: 'MSR-1', routeName: 'Alpha-Beta road', admin1Pcode: 'TT02', admin2Pcode: 'TT0201' })
    const off = await post({ ...minusca({ lat: 0.95, lon: 11.3 }), mission: 'MINUTEST' })
    expect((off.json() as Placed).report.place.route).toBeUndefined()
  })

  it('accepts a report known only by its names and places it at the named feature', async () => {
    await start()
    const bySite = await post(minusca({ site: 'Bambari' }))
    expect(bySite.statusCode, bySite.body).toBe(201)
    expect((bySite.json() as Placed).report.place).toMatchObject({ precision: 'site', site: 'Bambari', admin1Pcode: 'CF43', lat: expect.closeTo(5.764, 2) })
    const byArea = await post(minusca({ admin1: 'Ouham-Pendé prefecture' }))
    expect(byArea.statusCode, byArea.body).toBe(201)
    expect((byArea.json() as Placed).report.place).toMatchObject({ precision: 'admin1', admin1: 'Ouham Pendé', admin1Pcode: 'CF31' })
    const byRoute = await post({ ...minusca({ route: 'Main Supply Route 1' }), mission: 'MINUTEST' })
    expect((byRoute.json() as Placed).report.place).toMatchObject({ precision: 'route', route: 'MSR-1' })
  })

  it('matches alternate spellings: case, accents, hyphens and suffixes name the same prefecture', async () => {
    await start()
    for (const spelling of ['OUAKA', 'Ouaka province', 'ouaka']) {
      const res = await post(minusca({ admin1: spelling }))
      expect(res.statusCode, res.body).toBe(201)
      expect((res.json() as Placed).report.place.admin1Pcode).toBe('CF43')
    }
  })

  it('says where the written names and the coordinates disagree, and lets the coordinates win', async () => {
    await start()
    const res = await post(minusca({ ...BAMBARI, admin1: 'Bangui' }))
    expect(res.statusCode, res.body).toBe(201)
    const { place, placeNotes } = (res.json() as Placed).report
    expect(place.admin1Pcode).toBe('CF43')
    expect(placeNotes).toEqual([expect.objectContaining({ field: 'location.admin1', given: 'Bangui' })])
    const stored = await t!.app.inject({ method: 'GET', url: `/reports/${encodeURIComponent((res.json() as { report: { id: string } }).report.id)}` })
    expect(stored.json().report.location.admin1).toBe('Bangui')
  })

  it('refuses a name it cannot place without coordinates, naming the closest, and every other problem with it', async () => {
    await start()
    const res = await post(minusca({ admin1: 'Ouakka' }))
    expect(res.statusCode).toBe(400)
    const problem = res.json().problems.find((p: { path: string }) => p.path === 'location.admin1')
    expect(problem.message).toContain('Ouaka')
    const nothing = await post(minusca({}))
    expect(nothing.statusCode).toBe(400)
    expect(nothing.json().problems[0].path).toBe('location')
  })

  it('keeps names as given for a mission without a gazetteer, with or without coordinates', async () => {
    await start()
    const res = await post({ ...minusca({ admin1: 'Gao', site: 'Camp Gao' }), mission: 'MINUSMA' })
    expect(res.statusCode, res.body).toBe(201)
    expect((res.json() as Placed).report.place).toEqual({ lat: null, lon: null, precision: 'site', admin1: 'Gao', site: 'Camp Gao' })
  })
})

describe('every alert knows where it is', () => {
  const STANDARD = STANDARD_RULES_DIR

  it('a site-scoped alert carries its prefecture, so the area filter, a silence and ESC-001 see it', async () => {
    await start({ rulesDir: STANDARD })
    await post(minusca(BAMBARI, { occurredAt: '2026-03-17T22:00:00Z' }))
    const second = (await post(minusca(BAMBARI))).json() as Placed
    const site = second.alerts.find((a) => a.indicatorId === 'HOS-003')!
    const alert = (await t!.app.inject({ method: 'GET', url: `/alerts/${site.alertId}` })).json()
    expect(alert.scope).toMatchObject({ site: 'Bambari', siteId: 'bambari', admin1: 'Ouaka', admin1Pcode: 'CF43' })
    expect(alert.scope.areas).toEqual([{ level: 1, name: 'Ouaka', pcode: 'CF43' }])

    const ids = async (q: string) => (await t!.app.inject({ method: 'GET', url: `/alerts?${q}` })).json().changes.map((c: { alert: { id: number } }) => c.alert.id)
    for (const q of ['admin1=CF43', 'admin1=Ouaka', 'admin1=OUAKA%20province']) expect(await ids(`${q}&indicator=HOS-003`), q).toContain(site.alertId)
    expect(await ids('admin1=Bangui&indicator=HOS-003')).toEqual([])
    expect((await t!.app.inject({ method: 'GET', url: '/alerts?mission=MINUSCA&admin1=Atlantis' })).statusCode).toBe(400)

    // Two IED strikes with UN casualties elsewhere in Ouaka: with the site alert, three tactical HOS alerts in one region.
    const ied = (at: { lat: number; lon: number }, day: string) => minusca(at, { category: 'HOS.IED', occurredAt: `2026-03-${day}T09:00:00Z`, casualties: { injured: { un: { military: 1 } } } })
    await post(ied(OUAKA_BUSH, '19'))
    const third = (await post(ied({ lat: 5.55, lon: 20.5 }, '19'))).json() as Placed
    const esc = third.alerts.find((a) => a.indicatorId === 'ESC-001')
    expect(esc, JSON.stringify(third.alerts)).toMatchObject({ level: 'operational' })
    const escAlert = (await t!.app.inject({ method: 'GET', url: `/alerts/${esc!.alertId}` })).json()
    expect(escAlert.scope).toMatchObject({ admin1: 'Ouaka', admin1Pcode: 'CF43' })

    const silence = await t!.app.inject({
      method: 'POST', url: '/silences',
      payload: { matchers: { indicator: 'HOS-003', mission: 'MINUSCA', admin1: 'Ouaka' }, endsAt: '2026-03-21T12:00:00Z', reason: 'known shelling of the Bambari base' },
    })
    expect(silence.statusCode, silence.body).toBe(201)
    expect(silence.json()).toMatchObject({ alertsSilenced: 1, silence: { matchers: { admin1: 'CF43' } } })
  })
})

/** Strategic HOS alert per prefecture at the first HOS report there; tactical per incident. */
const STRATEGIC_BY_REGION = rule('HOS-901', `taxonomy: [HOS]
match: { all: [ { fact: report, path: category, operator: equal, value: HOS.DIRECT } ] }
scope: { groupBy: [admin1] }
window: 30d
expires: 30d
alerts:
  - level: strategic
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)
const STRATEGIC_MISSION_WIDE = rule('HOS-902', `taxonomy: [HOS.COMPLEX]
window: 30d
expires: 30d
alerts:
  - level: strategic
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)
const TACTICAL_INCIDENT = rule('HOS-903', `taxonomy: [HOS.INDIRECT, HOS.IED]
scope: { groupBy: [report] }
window: 7d
expires: 7d
alerts:
  - level: tactical
    grade: critical
    when: { all: [ { fact: unKilled, operator: greaterThanInclusive, value: 1 } ] }
  - level: tactical
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)

describe('inhibition by place', () => {
  const rules = () => writeRules({
    'hostile-acts/HOS-901-strategic-region.yaml': STRATEGIC_BY_REGION,
    'hostile-acts/HOS-902-strategic-mission.yaml': STRATEGIC_MISSION_WIDE,
    'hostile-acts/HOS-903-incident.yaml': TACTICAL_INCIDENT,
  })
  const flags = async (id: number) => (await t!.app.inject({ method: 'GET', url: `/alerts/${id}` })).json() as { inhibited: boolean; grade: string }
  const tactical = (r: Placed) => r.alerts.find((a) => a.indicatorId === 'HOS-903')!.alertId

  it('a strategic alert in one region hides a lower tactical alert there, not one in another region, and never a critical one', async () => {
    await start({ rulesDir: rules() })
    await post(minusca(BAMBARI, { category: 'HOS.DIRECT' }))
    const inOuaka = tactical((await post(minusca(OUAKA_BUSH))).json() as Placed)
    const inBangui = tactical((await post(minusca(BANGUI))).json() as Placed)
    const critical = tactical((await post(minusca(OUAKA_BUSH, { casualties: { killed: { un: { military: 1 } } } }))).json() as Placed)
    expect(await flags(inOuaka)).toMatchObject({ inhibited: true })
    expect(await flags(inBangui)).toMatchObject({ inhibited: false })
    expect(await flags(critical)).toMatchObject({ inhibited: false, grade: 'critical' })
    const poll = (await t!.app.inject({ method: 'GET', url: '/alerts?after=0&limit=1000' })).json().changes.map((c: { alert: { id: number } }) => c.alert.id)
    expect(poll).toContain(critical)
    expect(poll).toContain(inBangui)
    expect(poll).not.toContain(inOuaka)
  })

  it('a mission-wide strategic alert covers only the areas its own inputs lie in', async () => {
    await start({ rulesDir: rules() })
    const wide = (await post(minusca(BAMBARI, { category: 'HOS.COMPLEX' }))).json() as Placed
    expect(wide.alerts.find((a) => a.indicatorId === 'HOS-902')).toMatchObject({ level: 'strategic' })
    const inOuaka = tactical((await post(minusca(OUAKA_BUSH))).json() as Placed)
    const inBangui = tactical((await post(minusca(BANGUI))).json() as Placed)
    expect(await flags(inOuaka)).toMatchObject({ inhibited: true })
    expect(await flags(inBangui)).toMatchObject({ inhibited: false })
  })
})

describe('area-scoped keys', () => {
  it('a sector desk key sees only its area: lists filtered, another area is a 404, a report placed elsewhere a 403', async () => {
    await start({ auth: true, rulesDir: writeRules({ 'hostile-acts/HOS-903-incident.yaml': TACTICAL_INCIDENT }) })
    const v = t!.app.vigil
    const make = (role: 'analyst' | 'joc', areas: string[]) => v.queue.run(() => v.keyAdmin.create({ name: `${role} Ouaka`, role, missions: ['MINUSCA'], areas }, { keyId: null, name: 'test' }, t!.clock()))
    const analyst = await make('analyst', ['Ouaka province'])
    expect(analyst.key.areas).toEqual(['CF43'])
    const joc = await make('joc', ['CF43'])
    const wide = await v.queue.run(() => v.keyAdmin.create({ name: 'JMAC', role: 'analyst', missions: ['MINUSCA'] }, { keyId: null, name: 'test' }, t!.clock()))
    const as = (token: string) => ({ authorization: `Bearer ${token}` })

    const mine = await post(minusca(BAMBARI), as(analyst.token))
    expect(mine.statusCode, mine.body).toBe(201)
    const elsewhere = await post(minusca(BANGUI), as(analyst.token))
    expect(elsewhere.statusCode).toBe(403)
    expect(elsewhere.json().code).toBe('VIGIL_OUT_OF_AREA')
    const theirsRes = await post(minusca(BANGUI), as(wide.token))
    expect(theirsRes.statusCode, theirsRes.body).toBe(201)
    const theirs = theirsRes.json() as Placed & { report: { id: string } }
    expect(theirs.alerts).toHaveLength(1)

    const seen = (await t!.app.inject({ method: 'GET', url: '/alerts?after=0', headers: as(joc.token) })).json().changes
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every((c: { alert: { scope: { admin1Pcode: string } } }) => c.alert.scope.admin1Pcode === 'CF43')).toBe(true)
    expect((await t!.app.inject({ method: 'GET', url: `/alerts/${theirs.alerts[0]!.alertId}`, headers: as(joc.token) })).statusCode).toBe(404)
    expect((await t!.app.inject({ method: 'POST', url: `/alerts/${theirs.alerts[0]!.alertId}/ack`, payload: {}, headers: as(joc.token) })).statusCode).toBe(404)
    expect((await t!.app.inject({ method: 'GET', url: `/reports/${theirs.report.id}`, headers: as(joc.token) })).statusCode).toBe(404)
    const reports = (await t!.app.inject({ method: 'GET', url: '/reports', headers: as(joc.token) })).json().items
    expect(reports.map((r: { id: string }) => r.id)).toEqual([(mine.json() as { report: { id: string } }).report.id])
    // Exports, CAP and the whole-mission logs hold nothing of another area either.
    const mineId = (mine.json() as { report: { id: string } }).report.id
    const csv = (await t!.app.inject({ method: 'GET', url: '/reports.csv', headers: as(joc.token) })).body
    expect(csv).toContain(mineId)
    expect(csv).not.toContain(theirs.report.id)
    const alertsCsv = (await t!.app.inject({ method: 'GET', url: '/alerts.csv', headers: as(joc.token) })).body
    expect(alertsCsv).not.toContain('Bangui')
    expect((await t!.app.inject({ method: 'GET', url: `/cap/alerts/${theirs.alerts[0]!.alertId}.xml`, headers: as(joc.token) })).statusCode).toBe(404)
    expect((await t!.app.inject({ method: 'GET', url: '/cap/alerts.atom', headers: as(joc.token) })).body).not.toContain('Bangui')
    expect((await t!.app.inject({ method: 'GET', url: '/notifications', headers: as(joc.token) })).statusCode).toBe(403)
    expect((await t!.app.inject({ method: 'GET', url: '/briefs/MINUSCA/latest', headers: as(joc.token) })).statusCode).toBe(403)

    const unknown = await t!.app.inject({ method: 'POST', url: '/keys', headers: as((await v.queue.run(() => v.keyAdmin.create({ name: 'admin', role: 'admin' }, { keyId: null, name: 'test' }, t!.clock()))).token),
      payload: { name: 'desk', role: 'joc', missions: ['MINUSCA'], areas: ['Ouakaa'] } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().problems[0]).toMatchObject({ path: 'areas.0' })
  })
})

describe('the gazetteer over HTTP', () => {
  it('serves a mission gazetteer as GeoJSON, and 404 for a mission without one', async () => {
    await start()
    const res = await t!.app.inject({ method: 'GET', url: '/gazetteer/MINUSCA' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('application/geo+json')
    const fc = res.json() as { type: string; features: { properties: { featureType: string } }[] }
    expect(fc.type).toBe('FeatureCollection')
    expect(fc.features.filter((f) => f.properties.featureType === 'area')).toHaveLength(17)
    const shipped = JSON.parse(fs.readFileSync(path.join(GAZETTEER_DIR, 'MINUSCA', 'sites.geojson'), 'utf8')) as { features: unknown[] }
    expect(fc.features.filter((f) => f.properties.featureType === 'site')).toHaveLength(shipped.features.length)
    expect((await t!.app.inject({ method: 'GET', url: '/gazetteer/MINUSMA' })).statusCode).toBe(404)
    const list = (await t!.app.inject({ method: 'GET', url: '/gazetteer' })).json()
    expect(list.missions.map((m: { mission: string }) => m.mission).sort()).toEqual(['MINUSCA', 'MINUTEST'])
  })

  it('a broken gazetteer file is refused with its position and the old set stays live until a good one passes', async () => {
    const dir = gazetteerDir()
    await start({ gazetteerDir: dir })
    const before = (await t!.app.inject({ method: 'GET', url: '/gazetteer/status' })).json().version
    const sites = path.join(dir, 'MINUTEST', 'sites.geojson')
    const good = fs.readFileSync(sites, 'utf8')
    fs.writeFileSync(sites, good.replace('"radiusKm": 5', '"radiusKm": -5'))
    const refused = await t!.app.inject({ method: 'POST', url: '/gazetteer/reload' })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().problems[0].detail).toMatchObject({ file: 'MINUTEST/sites.geojson', line: expect.any(Number), column: expect.any(Number) })
    expect((await t!.app.inject({ method: 'GET', url: '/gazetteer/status' })).json()).toMatchObject({ version: before, lastFailure: { ok: false } })
    const placed = await post({ ...minusca({ site: 'COB Kilo' }), mission: 'MINUTEST' })
    expect((placed.json() as Placed).report.place).toMatchObject({ siteId: 'kilo' })

    fs.writeFileSync(sites, good.replace('"radiusKm": 5', '"radiusKm": 7'))
    const ok = await t!.app.inject({ method: 'POST', url: '/gazetteer/reload' })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().attempt).toMatchObject({ ok: true, changed: true })
    const version = (await t!.app.inject({ method: 'GET', url: '/gazetteer/status' })).json().version
    expect(version).not.toBe(before)
    const after = (await post({ ...minusca({ site: 'Kilo' }), mission: 'MINUTEST' })).json() as Placed
    expect(after.report.place.gazetteerVersion).not.toBe((placed.json() as Placed).report.place.gazetteerVersion)
  })
})
