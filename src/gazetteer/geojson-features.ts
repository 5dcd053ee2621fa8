import type { z } from 'zod'
import { didYouMean } from '../rules/did-you-mean.js'
import { decodeUtf8, JsonLocator, parseJsonText, positionOf } from './json-text.js'
import { positionProblem, ringProblem, type Position, type Ring } from './geometry.js'
import {
  areaPropertiesSchema, routePropertiesSchema, sitePropertiesSchema,
  type AreaProperties, type RouteProperties, type SiteProperties,
} from './gazetteer-schema.js'
import type { GazetteerProblem } from './gazetteer-types.js'

/** The three feature files of a mission folder and what each holds. */
export const FEATURE_FILES = {
  areas: { file: 'areas.geojson', geometries: ['Polygon', 'MultiPolygon'] },
  sites: { file: 'sites.geojson', geometries: ['Point'] },
  routes: { file: 'routes.geojson', geometries: ['LineString', 'MultiLineString'] },
} as const
export type FeatureFileKind = keyof typeof FEATURE_FILES

/** Biggest gazetteer file read: a country's level-2 boundaries fit in a few MB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024

type Path = (string | number)[]

/** Problems of one file, each positioned through the file's text. */
export class ProblemSink {
  readonly problems: GazetteerProblem[] = []
  locator: JsonLocator | null = null

  constructor(readonly file: string) {}

  add(path: Path, message: string, severity: GazetteerProblem['severity'] = 'error') {
    const pos = this.locator ? this.locator.locate(path) : { line: 1, column: 1 }
    this.problems.push({ file: this.file, ...pos, path: path.join('.'), message, severity })
  }

  addKey(path: Path, key: string, message: string) {
    const pos = this.locator ? this.locator.locateKey(path, key) : { line: 1, column: 1 }
    this.problems.push({ file: this.file, ...pos, path: [...path, key].join('.'), message, severity: 'error' })
  }

  addAt(line: number, column: number, message: string) {
    this.problems.push({ file: this.file, line, column, path: '', message, severity: 'error' })
  }
}

export interface AreaFeature { index: number; props: AreaProperties; rings: Ring[]; parts: Ring[][]; geometry: object }
export interface SiteFeature { index: number; props: SiteProperties; lon: number; lat: number }
export interface RouteFeature { index: number; props: RouteProperties; lines: Position[][]; geometry: object }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The text of a feature file, decoded strictly and parsed, or null with the problem recorded. */
export function parseFeatureFile(bytes: Uint8Array, sink: ProblemSink): unknown[] | null {
  if (bytes.length > MAX_FILE_BYTES) {
    sink.addAt(1, 1, `file is ${bytes.length} bytes; the most a gazetteer file may hold is ${MAX_FILE_BYTES}`)
    return null
  }
  const decoded = decodeUtf8(bytes)
  if ('badByte' in decoded) {
    const good = new TextDecoder('utf-8').decode(bytes.subarray(0, decoded.badByte))
    const pos = positionOf(good, good.length)
    sink.addAt(pos.line, pos.column, `not valid UTF-8: bad byte 0x${bytes[decoded.badByte]?.toString(16).padStart(2, '0')} at byte offset ${decoded.badByte}`)
    return null
  }
  const text = decoded.text
  const parsed = parseJsonText(text)
  if (!('value' in parsed)) {
    const pos = positionOf(text, parsed.offset)
    sink.addAt(pos.line, pos.column, `invalid JSON: ${parsed.message}`)
    return null
  }
  sink.locator = new JsonLocator(text)
  const doc = parsed.value
  if (!isObject(doc) || doc.type !== 'FeatureCollection') {
    sink.add(isObject(doc) ? ['type'] : [], 'a gazetteer file is a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]})')
    return null
  }
  if (!Array.isArray(doc.features)) {
    sink.add(['features'], 'features must be a list of Feature objects')
    return null
  }
  return doc.features
}

/** Checks a zod schema against a feature's properties, positioning every issue. */
function checkProperties<S extends z.ZodType>(schema: S, props: unknown, at: Path, sink: ProblemSink, known: string[]): z.output<S> | null {
  const r = schema.safeParse(props)
  if (r.success) return r.data
  for (const issue of r.error.issues) {
    const p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x))
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) sink.addKey([...at, ...p], key, `unknown property '${key}'${didYouMean(key, known)}; known: ${known.join(', ')}`)
    } else if (p.length === 1 && isObject(props) && !(String(p[0]) in props)) {
      sink.add(at, `missing required property '${String(p[0])}'`)
    } else {
      sink.add([...at, ...p], issue.message)
    }
  }
  return null
}

/** The positions of a list, each checked; null when any is bad (the first bad one is reported). */
function positions(v: unknown, at: Path, sink: ProblemSink): Position[] | null {
  if (!Array.isArray(v)) {
    sink.add(at, 'expected a list of positions')
    return null
  }
  for (let i = 0; i < v.length; i++) {
    const problem = positionProblem(v[i])
    if (problem) {
      sink.add([...at, i], problem)
      return null
    }
  }
  return v.map((p: number[]) => [p[0]!, p[1]!] as const)
}

function polygon(v: unknown, at: Path, sink: ProblemSink): Ring[] | null {
  if (!Array.isArray(v) || v.length === 0) {
    sink.add(at, 'a polygon is a list of rings: the outer boundary, then any holes')
    return null
  }
  const rings: Ring[] = []
  let ok = true
  v.forEach((r, i) => {
    const ring = positions(r, [...at, i], sink)
    const problem = ring && ringProblem(ring)
    if (problem) sink.add([...at, i], problem)
    if (!ring || problem) ok = false
    else rings.push(ring)
  })
  return ok ? rings : null
}

/** The geometry of a feature, its kind checked against the file's; null with problems recorded. */
function geometryOf(feature: unknown, i: number, kind: FeatureFileKind, sink: ProblemSink): { type: string; coordinates: unknown } | null {
  const at: Path = ['features', i]
  if (!isObject(feature) || feature.type !== 'Feature') {
    sink.add(isObject(feature) ? [...at, 'type'] : at, 'expected a GeoJSON Feature ({"type": "Feature", "properties": {...}, "geometry": {...}})')
    return null
  }
  const g = feature.geometry
  const allowed: readonly string[] = FEATURE_FILES[kind].geometries
  if (!isObject(g) || typeof g.type !== 'string') {
    sink.add([...at, 'geometry'], `missing geometry: ${FEATURE_FILES[kind].file} holds ${allowed.join(' or ')} features`)
    return null
  }
  if (!allowed.includes(g.type)) {
    sink.add([...at, 'geometry', 'type'], `${FEATURE_FILES[kind].file} holds ${allowed.join(' or ')} features, not ${g.type}`)
    return null
  }
  if (!isObject(feature.properties)) {
    sink.add([...at, 'properties'], 'properties must be an object')
    return null
  }
  return { type: g.type, coordinates: g.coordinates }
}

export function readAreas(features: unknown[], sink: ProblemSink): AreaFeature[] {
  const out: AreaFeature[] = []
  features.forEach((f, i) => {
    const g = geometryOf(f, i, 'areas', sink)
    if (!g) return
    const at: Path = ['features', i, 'geometry', 'coordinates']
    let parts: Ring[][] | null = null
    if (g.type === 'Polygon') {
      const p = polygon(g.coordinates, at, sink)
      parts = p && [p]
    } else if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
      sink.add(at, 'a MultiPolygon is a list of polygons')
    } else {
      const ps = g.coordinates.map((c, k) => polygon(c, [...at, k], sink))
      parts = ps.every((p) => p !== null) ? (ps as Ring[][]) : null
    }
    const props = checkProperties(areaPropertiesSchema, (f as { properties: unknown }).properties, ['features', i, 'properties'], sink, Object.keys(areaPropertiesSchema.shape))
    if (parts && props) out.push({ index: i, props, parts, rings: parts.flat(), geometry: { type: g.type, coordinates: g.coordinates } })
  })
  return out
}

export function readSites(features: unknown[], sink: ProblemSink): SiteFeature[] {
  const out: SiteFeature[] = []
  features.forEach((f, i) => {
    const g = geometryOf(f, i, 'sites', sink)
    if (!g) return
    const problem = positionProblem(g.coordinates)
    if (problem) sink.add(['features', i, 'geometry', 'coordinates'], problem)
    const props = checkProperties(sitePropertiesSchema, (f as { properties: unknown }).properties, ['features', i, 'properties'], sink, Object.keys(sitePropertiesSchema.shape))
    const [lon, lat] = g.coordinates as number[]
    if (!problem && props) out.push({ index: i, props, lon: lon!, lat: lat! })
  })
  return out
}

export function readRoutes(features: unknown[], sink: ProblemSink): RouteFeature[] {
  const out: RouteFeature[] = []
  features.forEach((f, i) => {
    const g = geometryOf(f, i, 'routes', sink)
    if (!g) return
    const at: Path = ['features', i, 'geometry', 'coordinates']
    const raw = g.type === 'LineString' ? [g.coordinates] : g.coordinates
    let lines: Position[][] | null = null
    if (!Array.isArray(raw) || raw.length === 0) {
      sink.add(at, 'a MultiLineString is a list of lines')
    } else {
      const ls = raw.map((c, k) => {
        const lineAt = g.type === 'LineString' ? at : [...at, k]
        const line = positions(c, lineAt, sink)
        if (line && line.length < 2) {
          sink.add(lineAt, 'a line needs at least 2 positions')
          return null
        }
        return line
      })
      lines = ls.every((l) => l !== null) ? (ls as Position[][]) : null
    }
    const props = checkProperties(routePropertiesSchema, (f as { properties: unknown }).properties, ['features', i, 'properties'], sink, Object.keys(routePropertiesSchema.shape))
    if (lines && props) out.push({ index: i, props, lines, geometry: { type: g.type, coordinates: g.coordinates } })
  })
  return out
}
