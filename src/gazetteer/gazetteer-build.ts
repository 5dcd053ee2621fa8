import { distanceKm } from '../geo.js'
import { closestBy } from '../taxonomy/closest.js'
import { AreaIndex, AreaShape } from './area-index.js'
import { areaAdjacency } from './area-adjacency.js'
import { distanceToSegmentKm, midpointOfLine, type Position } from './geometry.js'
import { areaKey, routeKey, siteKey } from './place-names.js'
import type { AreaFeature, RouteFeature, SiteFeature } from './geojson-features.js'
import type { Area, Gazetteer, GazetteerFeature, GazetteerMeta, Route, Site } from './gazetteer-types.js'

const KM_PER_DEG_LAT = 110.574
/** Distinct spellings remembered per gazetteer; past this the memory starts afresh. */
const MAX_CACHED_LOOKUPS = 10_000

interface RouteShape { route: Route; lines: Position[][]; minLat: number; maxLat: number; minLon: number; maxLon: number }

/** Name keys -> features, first writer wins (file order), so a lookup is deterministic. */
class NameIndex<T> {
  private readonly map = new Map<string, T>()
  readonly candidates: { key: string; code: string }[] = []

  add(key: string, item: T, display: string) {
    if (key === '') return
    if (!this.map.has(key)) this.map.set(key, item)
    this.candidates.push({ key, code: display })
  }

  get(key: string): T | null {
    return this.map.get(key) ?? null
  }
}

function bbox(lines: Position[][]) {
  let minLat = Infinity
  let maxLat = -Infinity
  let minLon = Infinity
  let maxLon = -Infinity
  for (const line of lines) {
    for (const [lon, lat] of line) {
      minLat = Math.min(minLat, lat)
      maxLat = Math.max(maxLat, lat)
      minLon = Math.min(minLon, lon)
      maxLon = Math.max(maxLon, lon)
    }
  }
  return { minLat, maxLat, minLon, maxLon }
}

function lineDistanceKm(lines: Position[][], lat: number, lon: number): number {
  let d = Infinity
  for (const line of lines) {
    for (let i = 0; i < line.length - 1; i++) d = Math.min(d, distanceToSegmentKm(lat, lon, line[i]!, line[i + 1]!))
  }
  return d
}

const freeze = <T>(xs: T[]): readonly T[] => Object.freeze(xs.map((x) => Object.freeze(x)))

/** Builds the queryable gazetteer of one mission from its checked features. */
export function buildGazetteer(
  mission: string, version: string, meta: GazetteerMeta,
  areaFeatures: AreaFeature[], siteFeatures: SiteFeature[], routeFeatures: RouteFeature[],
): Gazetteer {
  const areaList: Area[] = areaFeatures.map(({ props }) => ({
    level: props.level, pcode: props.pcode, name: props.name, parent: props.parent ?? null, altNames: props.altNames,
  }))
  const shapes = areaFeatures.map((f) => new AreaShape(f.rings))
  const byLevel = (level: 1 | 2) => new AreaIndex(areaList.map((item, i) => ({ item, shape: shapes[i]! })).filter((e) => e.item.level === level))
  const level1 = byLevel(1)
  const level2 = byLevel(2)
  // Computed here, with the rest of the load, not on the first report that asks for a neighbour
  // fact: that report is evaluated inside a write transaction, which must stay short.
  const adjacency: ReadonlyMap<string, readonly string[]> = new Map([...areaAdjacency(
    areaFeatures.map((f, i) => ({ pcode: areaList[i]!.pcode, level: areaList[i]!.level, rings: f.rings })),
  )].map(([pcode, list]) => [pcode, Object.freeze(list)]))
  const areaAt = (lat: number, lon: number, level: 1 | 2) => (level === 1 ? level1 : level2).at(lat, lon)

  const siteList: Site[] = siteFeatures.map(({ props, lat, lon }) => ({
    id: props.id, name: props.name, kind: props.kind, lat, lon, radiusKm: props.radiusKm, altNames: props.altNames,
    admin1Pcode: areaAt(lat, lon, 1)?.pcode ?? null,
    admin2Pcode: areaAt(lat, lon, 2)?.pcode ?? null,
  }))
  // Sites sorted by latitude: a query reads only those within the widest radius north and south.
  const sitesByLat = [...siteList].sort((a, b) => a.lat - b.lat)
  const maxRadius = Math.max(0, ...siteList.map((s) => s.radiusKm))

  const routeList: Route[] = routeFeatures.map(({ props }) => ({ id: props.id, name: props.name, corridorKm: props.corridorKm, altNames: props.altNames }))
  const routeShapes: RouteShape[] = routeFeatures.map((f, i) => ({ route: routeList[i]!, lines: f.lines, ...bbox(f.lines) }))

  const routeById = new Map(routeShapes.map((r) => [r.route.id, r]))

  const areaNames = { 1: new NameIndex<Area>(), 2: new NameIndex<Area>() }
  for (const a of areaList) {
    const idx = areaNames[a.level]
    idx.add(`#${a.pcode.toLowerCase()}`, a, a.pcode)
    idx.add(areaKey(a.name), a, a.name)
    for (const alt of a.altNames) idx.add(areaKey(alt), a, a.name)
  }
  const siteNames = new NameIndex<Site>()
  for (const s of siteList) {
    siteNames.add(`#${s.id.toLowerCase()}`, s, s.name)
    siteNames.add(siteKey(s.name, mission), s, s.name)
    for (const alt of s.altNames) siteNames.add(siteKey(alt, mission), s, s.name)
  }
  const routeNames = new NameIndex<Route>()
  for (const r of routeList) {
    routeNames.add(`#${r.id.toLowerCase()}`, r, r.id)
    routeNames.add(routeKey(r.id), r, r.id)
    routeNames.add(routeKey(r.name), r, r.id)
    for (const alt of r.altNames) routeNames.add(routeKey(alt), r, r.id)
  }

  const byPcode = new Map(areaList.map((a) => [a.pcode, a]))
  const areaPoints = new Map(areaList.map((a, i) => [a.pcode, shapes[i]!.interiorPoint()]))
  const routePoints = new Map(routeShapes.map((r) => [r.route.id, midpointOfLine(r.lines)]))
  const pointOf = (f: GazetteerFeature) => {
    if ('pcode' in f) return areaPoints.get(f.pcode) ?? null
    if ('kind' in f) return { lat: f.lat, lon: f.lon }
    return routePoints.get(f.id) ?? null
  }

  // Reports repeat a few spellings many times: folding each once keeps a lookup to a map read.
  const lookups = new Map<string, Area | Site | Route | null>()
  const cached = <T extends Area | Site | Route>(key: string, find: () => T | null): T | null => {
    const hit = lookups.get(key)
    if (hit !== undefined) return hit as T | null
    if (lookups.size >= MAX_CACHED_LOOKUPS) lookups.clear()
    const found = find()
    lookups.set(key, found)
    return found
  }

  let collection: object | null = null
  const geojson = () => {
    collection ??= Object.freeze({
      type: 'FeatureCollection',
      features: [
        ...areaFeatures.map((f, i) => ({ type: 'Feature', properties: { featureType: 'area', ...areaList[i] }, geometry: f.geometry })),
        ...siteList.map((s) => ({ type: 'Feature', properties: { featureType: 'site', ...s }, geometry: { type: 'Point', coordinates: [s.lon, s.lat] } })),
        ...routeFeatures.map((f, i) => ({ type: 'Feature', properties: { featureType: 'route', ...routeList[i] }, geometry: f.geometry })),
      ],
    })
    return collection
  }

  return {
    mission,
    version,
    meta,
    areas: freeze(areaList),
    sites: freeze(siteList),
    routes: freeze(routeList),
    areaAt,
    area: (pcode) => byPcode.get(pcode) ?? null,
    adjacency,
    neighbours: (pcode) => adjacency.get(pcode) ?? [],
    nearestSite(lat, lon) {
      let best: { site: Site; distanceKm: number } | null = null
      const reach = maxRadius / KM_PER_DEG_LAT + 0.01
      let lo = 0
      let hi = sitesByLat.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (sitesByLat[mid]!.lat < lat - reach) lo = mid + 1
        else hi = mid
      }
      for (let i = lo; i < sitesByLat.length && sitesByLat[i]!.lat <= lat + reach; i++) {
        const s = sitesByLat[i]!
        const d = distanceKm(lat, lon, s.lat, s.lon)
        if (d > s.radiusKm) continue
        if (!best || d < best.distanceKm || (d === best.distanceKm && s.id < best.site.id)) best = { site: s, distanceKm: d }
      }
      return best
    },
    nearestRoute(lat, lon) {
      let best: { route: Route; distanceKm: number } | null = null
      for (const r of routeShapes) {
        const padLat = r.route.corridorKm / KM_PER_DEG_LAT
        const padLon = padLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180))
        if (lat < r.minLat - padLat || lat > r.maxLat + padLat || lon < r.minLon - padLon || lon > r.maxLon + padLon) continue
        const d = lineDistanceKm(r.lines, lat, lon)
        if (d > r.route.corridorKm) continue
        if (!best || d < best.distanceKm) best = { route: r.route, distanceKm: d }
      }
      return best
    },
    distanceKm(feature, lat, lon) {
      if ('kind' in feature) return distanceKm(lat, lon, feature.lat, feature.lon)
      const r = routeById.get(feature.id)
      return r ? lineDistanceKm(r.lines, lat, lon) : null
    },
    findArea: (name, level) => cached(`a${level ?? ''}\0${name}`, () => {
      const keys = [`#${name.trim().toLowerCase()}`, areaKey(name)]
      for (const l of level ? [level] : ([1, 2] as const)) {
        for (const k of keys) {
          const hit = areaNames[l].get(k)
          if (hit) return hit
        }
      }
      return null
    }),
    findSite: (name) => cached(`s\0${name}`, () => siteNames.get(`#${name.trim().toLowerCase()}`) ?? siteNames.get(siteKey(name, mission))),
    findRoute: (name) => cached(`r\0${name}`, () => routeNames.get(`#${name.trim().toLowerCase()}`) ?? routeNames.get(routeKey(name))),
    closestNames(kind, name, n = 3) {
      if (kind === 'area') return closestBy(areaKey(name), [...areaNames[1].candidates, ...areaNames[2].candidates].filter((c) => !c.key.startsWith('#')), n)
      if (kind === 'site') return closestBy(siteKey(name, mission), siteNames.candidates.filter((c) => !c.key.startsWith('#')), n)
      return closestBy(routeKey(name), routeNames.candidates.filter((c) => !c.key.startsWith('#')), n)
    },
    pointOf,
    geojson,
  }
}
