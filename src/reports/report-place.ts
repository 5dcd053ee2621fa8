import type { Problem } from '../errors.js'
import { LOCATION_PRECISIONS, type LocationPrecision } from '../gazetteer/location-precision.js'
import { placeReport, type PlaceNote, type ResolvedPlace } from '../gazetteer/placement.js'
import type { Gazetteer } from '../gazetteer/gazetteer-types.js'

export { LOCATION_PRECISIONS, type LocationPrecision, type PlaceNote, type ResolvedPlace }

/** A location as the analyst gave it (the report schema's `location`). */
export interface PlaceInput {
  lat?: number | undefined
  lon?: number | undefined
  precision?: LocationPrecision | undefined
  admin1?: string | undefined
  admin2?: string | undefined
  route?: string | undefined
  site?: string | undefined
}

export type PlaceResult = { place: ResolvedPlace; notes: PlaceNote[] } | { problems: Problem[] }

/** Resolves a report's location in its mission. */
export type Placer = (mission: string, location: PlaceInput) => PlaceResult

/** Places a location against a gazetteer (undefined: the mission has none, names as given). */
export function placeIn(gaz: Gazetteer | undefined, loc: PlaceInput): PlaceResult {
  const { lat, lon, admin1, admin2, route, site } = loc
  return placeReport(gaz, {
    // Coordinates are exact unless said otherwise; without them the finest name decides.
    precision: loc.precision ?? 'exact',
    ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
    ...(admin1 !== undefined ? { admin1 } : {}),
    ...(admin2 !== undefined ? { admin2 } : {}),
    ...(route !== undefined ? { route } : {}),
    ...(site !== undefined ? { site } : {}),
  })
}

/** A place as the analyst gave it: what a mission without a gazetteer gets. */
export function placeAsGiven(loc: PlaceInput): ResolvedPlace {
  return (placeIn(undefined, loc) as { place: ResolvedPlace }).place
}

/** The placer of a service with no gazetteer at all. */
export const placeByNames: Placer = (_mission, loc) => placeIn(undefined, loc)

/** An administrative area something lies in: level, canonical name and, with a gazetteer, P-code. */
export interface AreaRef {
  level: 1 | 2
  name: string
  pcode?: string
}

/** The areas a place lies in, admin1 first. */
export function areasOfPlace(p: Pick<ResolvedPlace, 'admin1' | 'admin1Pcode' | 'admin2' | 'admin2Pcode'>): AreaRef[] {
  const out: AreaRef[] = []
  if (p.admin1 !== undefined) out.push({ level: 1, name: p.admin1, ...(p.admin1Pcode ? { pcode: p.admin1Pcode } : {}) })
  if (p.admin2 !== undefined) out.push({ level: 2, name: p.admin2, ...(p.admin2Pcode ? { pcode: p.admin2Pcode } : {}) })
  return out
}

/** Whether an area is named by `key`: its canonical name or its P-code. */
const areaIs = (a: AreaRef, key: string) => a.name === key || a.pcode === key

/** Whether any of the areas is named by one of `keys` (names or P-codes, either level): what an area-scoped key sees. */
export function touchesAny(areas: readonly AreaRef[] | undefined, keys: readonly string[]): boolean {
  return (areas ?? []).some((a) => keys.includes(a.name) || (a.pcode !== undefined && keys.includes(a.pcode)))
}

/** Whether any of the areas is named by `key`, at `level` when given. */
export function inAreas(areas: readonly AreaRef[] | undefined, key: string, level?: 1 | 2): boolean {
  return (areas ?? []).some((a) => (level === undefined || a.level === level) && areaIs(a, key))
}

/**
 * The areas as one string a SQL filter can search for '|1:key|': every name and P-code,
 * with its level, between bars ('|1:Ouaka|1:CF43|2:Bambari|'). Null when there are none.
 */
export function areaKeys(areas: readonly AreaRef[] | undefined): string | null {
  if (!areas || areas.length === 0) return null
  const keys = new Set<string>()
  for (const a of areas) {
    keys.add(`${a.level}:${a.name}`)
    if (a.pcode) keys.add(`${a.level}:${a.pcode}`)
  }
  return `|${[...keys].join('|')}|`
}

/** The SQL condition matching an `areas` column against one area key at a level, or at either. */
export function areaMatchSql(column: string, level?: 1 | 2): string {
  // instr, not LIKE: exact and case-sensitive, and a name's own % or _ is no wildcard.
  const has = (l: number) => `instr(${column}, '|${l}:' || ? || '|') > 0`
  return level === undefined ? `(${has(1)} OR ${has(2)})` : has(level)
}
