import type { SiteKind } from './site-kinds.js'

/** An administrative area: level 1 (prefecture, region) or level 2 (sub-prefecture, cercle). */
export interface Area {
  level: 1 | 2
  /** The humanitarian P-code, e.g. CF43: the stable key partners share. */
  pcode: string
  name: string
  /** The P-code of the level-1 area a level-2 area lies in; null for level 1. */
  parent: string | null
  altNames: string[]
}

/** A UN site: an event within its radius counts as "at" it. */
export interface Site {
  id: string
  name: string
  kind: SiteKind
  lat: number
  lon: number
  radiusKm: number
  altNames: string[]
  /** The areas the site lies in, computed when the gazetteer loads. */
  admin1Pcode: string | null
  admin2Pcode: string | null
}

/** A route (MSR-1 ...): an event within its corridor counts as "on" it. */
export interface Route {
  id: string
  name: string
  corridorKm: number
  altNames: string[]
}

export type GazetteerFeature = Area | Site | Route

/** What `gazetteer.yaml` may say about a mission's files. */
export interface GazetteerMeta {
  name?: string
  attribution?: string
  source?: string
  licence?: string
  /** A tile URL template for the mission's maps, e.g. https://tiles.example/{z}/{x}/{y}.png */
  tiles?: string
}

export interface Gazetteer {
  mission: string
  /** Short content hash of the mission's files: the same files always give the same version. */
  version: string
  meta: GazetteerMeta
  areas: readonly Area[]
  sites: readonly Site[]
  routes: readonly Route[]
  /** The area of that level the point lies in; null outside every one. */
  areaAt(lat: number, lon: number, level: 1 | 2): Area | null
  area(pcode: string): Area | null
  /** Every area's bordering areas of the same level (area-adjacency.ts), computed when the gazetteer is loaded. */
  adjacency: ReadonlyMap<string, readonly string[]>
  /** The P-codes of the areas of the same level that share a border with this one (area-adjacency.ts). */
  neighbours(pcode: string): readonly string[]
  /** The nearest site whose radius holds the point. */
  nearestSite(lat: number, lon: number): { site: Site; distanceKm: number } | null
  /** The nearest route whose corridor holds the point. */
  nearestRoute(lat: number, lon: number): { route: Route; distanceKm: number } | null
  /** Distance in km from a point to a site's point or a route's line (null: not this gazetteer's route). */
  distanceKm(feature: Site | Route, lat: number, lon: number): number | null
  /** By P-code, name or alternate name, however spelt (case, accents, hyphens, "prefecture"). */
  findArea(name: string, level?: 1 | 2): Area | null
  /** By id, name or alternate name ("Camp X", "MINUSCA X" find X). */
  findSite(name: string): Site | null
  findRoute(name: string): Route | null
  /** The names nearest to a misspelt one, for "did you mean" messages. */
  closestNames(kind: 'area' | 'site' | 'route', name: string, n?: number): string[]
  /** A representative point: a site's own point, a point inside an area, the middle of a route. */
  pointOf(feature: GazetteerFeature): { lat: number; lon: number } | null
  /** Everything as one FeatureCollection, each feature's properties with `featureType`. */
  geojson(): object
}

export interface GazetteerSet {
  /** Content hash over every mission's version. */
  version: string
  get(mission: string): Gazetteer | undefined
  missions(): string[]
}

/** One thing wrong in a gazetteer file, at a place an editor can jump to. */
export interface GazetteerProblem {
  /** Path relative to the gazetteer directory, e.g. MINUSCA/areas.geojson. */
  file: string
  line: number
  column: number
  /** Dotted path inside the file, e.g. features.3.properties.pcode; '' for the whole file. */
  path: string
  message: string
  severity: 'error' | 'warning'
}
