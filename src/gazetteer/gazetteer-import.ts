import { DEFAULT_RADIUS_KM, SITE_KINDS, type SiteKind } from './site-kinds.js'
import { foldName } from './place-names.js'

/**
 * Turning common sources into gazetteer features: OCHA COD-AB boundaries (GeoJSON with P-codes),
 * Geo-PKO deployment rows and plain site CSVs. Pure: the CLI reads and writes the files.
 */

export interface Feature {
  type: 'Feature'
  properties: Record<string, unknown>
  geometry: { type: string; coordinates: unknown }
}

export interface ImportResult {
  features: Feature[]
  /** What was left out and why, one line each (`feature 3: ...`, `line 12: ...`). */
  skipped: string[]
}

export interface AreaImportOptions {
  level: 1 | 2
  nameField: string
  pcodeField: string
  /** For level 2: the property holding the level-1 P-code. */
  parentField?: string
}

/** COD-AB's own property names, by level. */
export function codAbDefaults(level: 1 | 2): AreaImportOptions {
  return level === 1
    ? { level, nameField: 'admin1Name', pcodeField: 'admin1Pcode' }
    : { level, nameField: 'admin2Name', pcodeField: 'admin2Pcode', parentField: 'admin1Pcode' }
}

/** Coordinates rounded to 6 decimals (about 0.1 m): boundary files stay small and diffable. */
function round(c: unknown): unknown {
  if (typeof c === 'number') return Math.round(c * 1e6) / 1e6
  return Array.isArray(c) ? c.map(round) : c
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')

/** Area features from a boundary FeatureCollection; what cannot be used is listed in `skipped`. */
export function areasFromBoundaries(collection: unknown, o: AreaImportOptions): ImportResult {
  const features: Feature[] = []
  const skipped: string[] = []
  if (!isObject(collection) || !Array.isArray(collection.features)) return { features, skipped: ['not a GeoJSON FeatureCollection'] }
  collection.features.forEach((f: unknown, i: number) => {
    const p = isObject(f) && isObject(f.properties) ? f.properties : {}
    const g = isObject(f) && isObject(f.geometry) ? f.geometry : null
    const name = text(p[o.nameField])
    const pcode = text(p[o.pcodeField])
    const parent = o.parentField ? text(p[o.parentField]) : ''
    const missing = [!name && o.nameField, !pcode && o.pcodeField, o.level === 2 && !parent && o.parentField].filter(Boolean)
    if (missing.length > 0) return skipped.push(`feature ${i}: no ${missing.join(', ')}`)
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return skipped.push(`feature ${i} (${name}): geometry is ${String(g?.type)}, not Polygon or MultiPolygon`)
    features.push({
      type: 'Feature',
      properties: { level: o.level, pcode, name, ...(o.level === 2 ? { parent } : {}), altNames: [] },
      geometry: { type: g.type, coordinates: round(g.coordinates) },
    })
  })
  return { features, skipped }
}

/** The features of another import kept: other levels stay, and hand-added alternate names survive a re-import. */
export function mergeFeatures(existing: Feature[], imported: Feature[], replaces: (f: Feature) => boolean, key: (f: Feature) => unknown): Feature[] {
  const before = new Map(existing.map((f) => [key(f), f]))
  const kept = existing.filter((f) => !replaces(f))
  const merged = imported.map((f) => {
    const old = before.get(key(f))
    const alts = Array.isArray(old?.properties.altNames) ? old.properties.altNames : []
    return alts.length > 0 ? { ...f, properties: { ...f.properties, altNames: alts } } : f
  })
  return [...kept, ...merged]
}

/** A site id from a place name: "Kaga Bandoro" -> "kaga-bandoro", "Dékoa" -> "dekoa". */
export function siteId(name: string): string {
  return foldName(name).replace(/ /g, '-')
}

type Row = { line: number; values: Record<string, string> }

const GEO_PKO_COLUMNS = ['mission', 'year', 'location', 'latitude', 'longitude', 'hq']
const PLAIN_COLUMNS = ['id', 'name', 'kind', 'lat', 'lon', 'radiusKm']

/** Which site CSV layout a header is, or null. */
export function siteCsvLayout(header: string[]): 'geo-pko' | 'plain' | null {
  if (GEO_PKO_COLUMNS.every((c) => header.includes(c))) return 'geo-pko'
  if (PLAIN_COLUMNS.every((c) => header.includes(c))) return 'plain'
  return null
}

function coordinate(v: string | undefined, min: number, max: number): number | null {
  if (v === undefined || v.trim() === '') return null
  const n = Number(v)
  return Number.isFinite(n) && n >= min && n <= max ? n : null
}

function point(lon: number, lat: number) {
  return { type: 'Point', coordinates: [round(lon), round(lat)] }
}

/**
 * One site per distinct location of one mission in Geo-PKO rows (one row per location, year
 * and deployment map). The kind is the highest HQ rank the place ever had (3: mission HQ, 2:
 * sector HQ); where a location moved between maps, the latest year's most frequent position wins.
 */
export function sitesFromGeoPko(rows: Iterable<Row>, mission: string): ImportResult {
  const skipped: string[] = []
  const places = new Map<string, { rows: { year: number; lat: number; lon: number; hq: number }[] }>()
  for (const r of rows) {
    const v = r.values
    if (v.mission?.trim() !== mission) continue
    const name = v.location?.trim() ?? ''
    const lat = coordinate(v.latitude, -90, 90)
    const lon = coordinate(v.longitude, -180, 180)
    const year = Number(v.year)
    if (!name || lat === null || lon === null || !Number.isInteger(year)) {
      skipped.push(`line ${r.line}: needs location, year, latitude and longitude`)
      continue
    }
    const place = places.get(name) ?? { rows: [] }
    place.rows.push({ year, lat, lon, hq: Number(v.hq) || 0 })
    places.set(name, place)
  }
  const features = [...places.entries()].map(([name, p]) => {
    const years = p.rows.map((r) => r.year)
    const lastYear = Math.max(...years)
    const counts = new Map<string, number>()
    for (const r of p.rows.filter((x) => x.year === lastYear)) counts.set(`${r.lon},${r.lat}`, (counts.get(`${r.lon},${r.lat}`) ?? 0) + 1)
    const [lon, lat] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0].split(',').map(Number)
    const hq = Math.max(...p.rows.map((r) => r.hq))
    const kind: SiteKind = hq >= 3 ? 'mission-hq' : hq === 2 ? 'sector-hq' : 'base'
    return {
      type: 'Feature' as const,
      properties: { id: siteId(name), name, kind, radiusKm: DEFAULT_RADIUS_KM[kind], altNames: [], firstYear: Math.min(...years), lastYear },
      geometry: point(lon!, lat!),
    }
  })
  return { features, skipped }
}

/** Sites from a plain CSV: id,name,kind,lat,lon,radiusKm (radius empty: the kind's default), altNames split on ';'. */
export function sitesFromPlainCsv(rows: Iterable<Row>): ImportResult {
  const features: Feature[] = []
  const skipped: string[] = []
  for (const r of rows) {
    const v = r.values
    const lat = coordinate(v.lat, -90, 90)
    const lon = coordinate(v.lon, -180, 180)
    const kind = (v.kind?.trim() ?? '') as SiteKind
    if (!v.id?.trim() || !v.name?.trim() || lat === null || lon === null) {
      skipped.push(`line ${r.line}: needs id, name, lat (-90..90) and lon (-180..180)`)
      continue
    }
    if (!SITE_KINDS.includes(kind)) {
      skipped.push(`line ${r.line}: kind '${kind}' is not one of ${SITE_KINDS.join(', ')}`)
      continue
    }
    const radius = v.radiusKm?.trim() ? Number(v.radiusKm) : DEFAULT_RADIUS_KM[kind]
    features.push({
      type: 'Feature',
      properties: {
        id: v.id.trim(), name: v.name.trim(), kind, radiusKm: radius,
        altNames: (v.altNames ?? '').split(';').map((s) => s.trim()).filter(Boolean),
      },
      geometry: point(lon, lat),
    })
  }
  return { features, skipped }
}

/** A FeatureCollection as text, one feature per line, properties first: readable, and a change is one line of diff. */
export function featureCollectionText(features: Feature[]): string {
  const lines = features.map((f) => JSON.stringify({ type: 'Feature', properties: f.properties, geometry: f.geometry }))
  return `{"type": "FeatureCollection", "features": [\n${lines.join(',\n')}\n]}\n`
}
