import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../src/paths.js'
import { loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
import { AreaShape } from '../../src/gazetteer/area-index.js'
import type { Gazetteer, GazetteerSet } from '../../src/gazetteer/gazetteer-types.js'

const SHIPPED = path.join(ROOT, 'schemas/gazetteer')
const FIXTURE = path.join(ROOT, 'tests/fixtures/gazetteer/minutest-5-areas-3-sites-1-route')

function load(dir: string): GazetteerSet {
  const r = loadGazetteers(dir)
  if (!r.set) throw new Error(`gazetteer fails its check: ${JSON.stringify(r.problems)}`)
  return r.set
}

const minusca = load(SHIPPED).get('MINUSCA')!
const minutest = load(FIXTURE).get('MINUTEST')!
const KM_PER_DEG_LAT = 110.574

describe('the shipped MINUSCA gazetteer', () => {
  it('holds the 17 prefectures of CAR (CF11 ... CF71) and 28 Geo-PKO sites, no routes', () => {
    expect(minusca.areas.map((a) => a.pcode).sort()).toEqual([
      'CF11', 'CF12', 'CF21', 'CF22', 'CF23', 'CF31', 'CF32', 'CF41', 'CF42', 'CF43', 'CF51', 'CF52', 'CF53', 'CF61', 'CF62', 'CF63', 'CF71',
    ])
    expect(minusca.areas.every((a) => a.level === 1 && a.parent === null)).toBe(true)
    expect(minusca.sites).toHaveLength(28)
    expect(minusca.routes).toEqual([])
    expect(minusca.sites.filter((s) => s.kind !== 'base').map((s) => `${s.name} ${s.kind}`).sort())
      .toEqual(['Bangui mission-hq', 'Bouar sector-hq', 'Bria sector-hq', 'Kaga Bandoro sector-hq'])
    expect(minusca.meta.attribution).toMatch(/OCHA, SIGCAF, REACH.*Geo-PKO/)
  })

  it('places a point in Bambari in Ouaka (CF43) and one in Bangui in Bangui (CF71)', () => {
    expect(minusca.areaAt(5.7639, 20.6707, 1)).toMatchObject({ pcode: 'CF43', name: 'Ouaka' })
    expect(minusca.areaAt(4.3938, 18.5599, 1)).toMatchObject({ pcode: 'CF71', name: 'Bangui' })
  })

  it('finds no area outside CAR: Yaoundé, Kinshasa, the Ubangi south of Bangui', () => {
    expect(minusca.areaAt(3.848, 11.502, 1)).toBeNull()
    expect(minusca.areaAt(-4.325, 15.322, 1)).toBeNull()
    expect(minusca.areaAt(4.33, 18.6, 1)).toBeNull()
    expect(minusca.areaAt(4.3938, 18.5599, 2)).toBeNull()
  })

  it('puts every site in the prefecture it lies in, computed at load', () => {
    const bambari = minusca.findSite('Bambari')!
    expect(bambari).toMatchObject({ admin1Pcode: 'CF43', admin2Pcode: null })
    expect(minusca.sites.every((s) => s.admin1Pcode !== null)).toBe(true)
    expect(minusca.findSite('MINUSCA HQ')).toMatchObject({ id: 'bangui', admin1Pcode: 'CF71' })
  })

  it('puts a point on the shared border of Bangui and Ombella-M\'Poko in exactly one of them', () => {
    const fc = minusca.geojson() as { features: { properties: { pcode?: string }; geometry: { coordinates: number[][][] } }[] }
    const ring = (pcode: string) => fc.features.find((f) => f.properties.pcode === pcode)!.geometry.coordinates[0]!
    const ombella = new Set(ring('CF11').map(([lon, lat]) => `${lon},${lat}`))
    const shared = ring('CF71').filter(([lon, lat]) => ombella.has(`${lon},${lat}`))
    expect(shared.length).toBeGreaterThan(20)
    for (const [lon, lat] of shared) {
      const inBangui = minusca.areaAt(lat!, lon!, 1)?.pcode
      expect(['CF71', 'CF11', undefined]).toContain(inBangui)
    }
    // Midpoints of the shared edges lie on both boundaries: inside exactly one of the two shapes.
    const shape = (pcode: string) => new AreaShape([ring(pcode).map(([lon, lat]) => [lon!, lat!] as const)])
    const bangui = shape('CF71')
    const ombellaShape = shape('CF11')
    const key = (a: number[], b: number[]) => `${a[0]},${a[1]};${b[0]},${b[1]}`
    const ombellaRing = ring('CF11')
    const ombellaEdges = new Set(ombellaRing.slice(1).flatMap((b, i) => [key(ombellaRing[i]!, b), key(b, ombellaRing[i]!)]))
    const banguiRing = ring('CF71')
    let sharedEdges = 0
    let insideOne = 0
    for (let i = 0; i + 1 < banguiRing.length; i++) {
      const [lon1, lat1] = banguiRing[i]!
      const [lon2, lat2] = banguiRing[i + 1]!
      if (!ombellaEdges.has(key(banguiRing[i]!, banguiRing[i + 1]!)) || lat1 === lat2) continue
      sharedEdges++
      const lat = (lat1! + lat2!) / 2
      const lon = lon1! + ((lat - lat1!) * (lon2! - lon1!)) / (lat2! - lat1!)
      const inside = Number(bangui.contains(lat, lon)) + Number(ombellaShape.contains(lat, lon))
      expect(inside, `${lat},${lon}`).toBe(1)
      insideOne += inside
    }
    expect(sharedEdges).toBeGreaterThan(20)
    expect(insideOne).toBeGreaterThan(0)
  })

  it('finds a point on the small detached part of Haut-Mbomou (a MultiPolygon)', () => {
    const fc = minusca.geojson() as { features: { properties: { pcode?: string }; geometry: { type: string; coordinates: number[][][][] } }[] }
    const hautMbomou = fc.features.find((f) => f.properties.pcode === 'CF63')!
    expect(hautMbomou.geometry.type).toBe('MultiPolygon')
    const parts = hautMbomou.geometry.coordinates.sort((a, b) => a[0]!.length - b[0]!.length)
    const small = new AreaShape(parts[0]!.map((r) => r.map(([lon, lat]) => [lon!, lat!] as const)))
    const p = small.interiorPoint()
    expect(minusca.areaAt(p.lat, p.lon, 1)?.pcode).toBe('CF63')
  })

  it('gives each prefecture a representative point inside it', () => {
    for (const a of minusca.areas) {
      const p = minusca.pointOf(a)!
      expect(minusca.areaAt(p.lat, p.lon, 1)?.pcode, a.name).toBe(a.pcode)
    }
  })

  it('finds the nearest site only within its radius: 3 km from Bambari yes, 7 km no', () => {
    const b = minusca.findSite('Bambari')!
    const perKmLon = 1 / (111.32 * Math.cos((b.lat * Math.PI) / 180))
    const near = minusca.nearestSite(b.lat, b.lon + 3 * perKmLon)
    expect(near?.site.id).toBe('bambari')
    expect(near!.distanceKm).toBeCloseTo(3, 1)
    expect(minusca.nearestSite(b.lat, b.lon + 7 * perKmLon)).toBeNull()
    // The mission HQ's radius is 10 km: 8 km north of Bangui is still at the HQ.
    expect(minusca.nearestSite(4.393797 + 8 / KM_PER_DEG_LAT, 18.559861)?.site.kind).toBe('mission-hq')
  })

  it('maps every UCDP GED adm_1 spelling to the P-code its events lie in', () => {
    const ucdp: Record<string, string> = {
      'Bamingui-Bangoran province': 'CF51', 'Bangui province': 'CF71', 'Basse-Kotto province': 'CF61', 'Haut-Mbomou province': 'CF63',
      'Haute-Kotto province': 'CF52', 'Kémo province': 'CF41', 'Lobaye province': 'CF12', 'Mambéré-Kadéi province': 'CF21',
      'Mbomou province': 'CF62', 'Nana-Grébizi province': 'CF42', 'Nana-Mambéré province': 'CF22', "Ombella-M'Poko province": 'CF11',
      'Ouaka province': 'CF43', 'Ouham province': 'CF32', 'Ouham-Pendé province': 'CF31', 'Sangha-Mbaéré province': 'CF23',
      'Vakaga province': 'CF53',
    }
    for (const [name, pcode] of Object.entries(ucdp)) expect(minusca.findArea(name, 1)?.pcode, name).toBe(pcode)
  })

  it('matches names through case, accents, hyphens, apostrophes and kind words', () => {
    for (const name of ['OUHAM PENDE', 'Ouham-Pende', 'Préfecture de l\'Ouham-Pendé', 'ouham pendé prefecture', 'CF31', 'cf31']) {
      expect(minusca.findArea(name)?.pcode, name).toBe('CF31')
    }
    expect(minusca.findArea('Ombella Mpoko')).toBeNull()
    expect(minusca.findArea("Ombella M'Poko region")?.pcode).toBe('CF11')
    for (const name of ['Ndele', "N'Délé", 'Camp Ndélé', 'MINUSCA Ndele', 'ndele base']) expect(minusca.findSite(name)?.id, name).toBe('ndele')
    expect(minusca.findSite('Kaga-Bandoro')?.id).toBe('kaga-bandoro')
    expect(minusca.findSite('Bambar')).toBeNull()
  })

  it('names the closest names for a misspelt one', () => {
    expect(minusca.closestNames('area', 'Ouka')[0]).toBe('Ouaka')
    expect(minusca.closestNames('site', 'Bambri', 2)).toEqual(['Bambari', 'Bangui'])
    expect(minusca.closestNames('route', 'MSR-1')).toEqual([])
  })

  it('serves everything as one FeatureCollection with featureType', () => {
    const fc = minusca.geojson() as { type: string; features: { properties: { featureType: string } }[] }
    expect(fc.type).toBe('FeatureCollection')
    const counts: Record<string, number> = {}
    for (const f of fc.features) counts[f.properties.featureType] = (counts[f.properties.featureType] ?? 0) + 1
    expect(counts).toEqual({ area: 17, site: 28 })
    expect(minusca.geojson()).toBe(fc)
  })

  it('has a version that is a content hash: the same files give the same version', () => {
    const again = load(SHIPPED)
    expect(again.get('MINUSCA')!.version).toBe(minusca.version)
    expect(minusca.version).toMatch(/^[0-9a-f]{12}$/)
    expect(again.missions()).toEqual(['MINUSCA'])
    expect(again.get('MINUSMA')).toBeUndefined()
  })
})

describe('the hand-made MINUTEST gazetteer', () => {
  const g: Gazetteer = minutest

  it('excludes a hole from its polygon: the hole is the enclave', () => {
    expect(g.areaAt(0.5, 10.5, 1)?.pcode).toBe('TT03')
    expect(g.areaAt(0.2, 10.2, 1)?.pcode).toBe('TT01')
    expect(g.areaAt(0.3, 12.3, 1)?.pcode).toBe('TT02')
    expect(g.areaAt(0.3, 12.1, 1)).toBeNull()
    expect(g.pointOf(g.area('TT01')!)).toEqual({ lat: 0.5, lon: 10.2 })
  })

  it('finds level-2 areas, and a level-2 alternate name', () => {
    expect(g.areaAt(0.7, 11.5, 2)).toMatchObject({ pcode: 'TT0201', parent: 'TT02' })
    expect(g.areaAt(0.7, 10.5, 2)).toBeNull()
    expect(g.findArea('Bêta Nord')?.pcode).toBe('TT0201')
    expect(g.findArea('Beta', 2)).toBeNull()
    expect(g.findArea('beta region')?.pcode).toBe('TT02')
  })

  it('finds the nearest route only within its corridor', () => {
    const on = g.nearestRoute(0.8 + 1 / KM_PER_DEG_LAT, 10.5)
    expect(on?.route.id).toBe('MSR-1')
    expect(on!.distanceKm).toBeCloseTo(1, 2)
    expect(g.nearestRoute(0.8 + 3 / KM_PER_DEG_LAT, 10.5)).toBeNull()
    // Past the end of the line, distance is to its end point.
    expect(g.nearestRoute(0.8, 11.9 + 1.5 / 111.32)?.distanceKm).toBeCloseTo(1.5, 1)
    expect(g.findRoute('msr 1')?.id).toBe('MSR-1')
    expect(g.findRoute('Main Supply Route 1')?.id).toBe('MSR-1')
    expect(g.pointOf(g.routes[0]!)).toEqual({ lat: 0.8, lon: 11 })
  })

  it('reads the metadata file', () => {
    expect(g.meta).toEqual({ name: 'MINUTEST (hand-made test mission)', attribution: 'hand-made for the vigil tests', tiles: 'https://tiles.example/{z}/{x}/{y}.png' })
  })

  it('keeps a site ordered nearest first when two radii overlap', () => {
    // Enclave City HQ has 10 km; Kilo is 111 km away: a point between only sees the HQ.
    expect(g.nearestSite(0.5, 10.55)?.site.id).toBe('enclave-hq')
  })

  it('reads files strictly as UTF-8 from disk, so a name with accents is kept exactly', () => {
    const text = fs.readFileSync(path.join(FIXTURE, 'MINUTEST/areas.geojson'), 'utf8')
    expect(text).toContain('Bêta')
    expect(g.area('TT02')!.name).toBe('Bêta')
  })
})
