import { isCoarser, type LocationPrecision } from './location-precision.js'
import type { Area, Gazetteer, Route, Site } from './gazetteer-types.js'

/**
 * Placing a report: its coordinates and the names the analyst wrote, resolved against the
 * mission's gazetteer. Coordinates win over names unless they are coarser than the name; every
 * disagreement is said in a note, never rewritten silently; an unknown name without coordinates
 * is a problem naming the closest names.
 */

export interface PlaceInput {
  lat?: number
  lon?: number
  precision: LocationPrecision
  admin1?: string
  admin2?: string
  route?: string
  site?: string
}

export interface ResolvedPlace {
  lat: number | null
  lon: number | null
  precision: LocationPrecision
  admin1?: string
  admin1Pcode?: string
  admin2?: string
  admin2Pcode?: string
  /** The site's canonical name. */
  site?: string
  siteId?: string
  siteKind?: string
  distanceToSiteKm?: number
  /** The route's id. */
  route?: string
  routeName?: string
  distanceToRouteKm?: number
  gazetteerVersion?: string
}

export interface PlaceNote {
  /** The field the note is about, e.g. location.admin1. */
  field: string
  /** What the analyst wrote. */
  given: string
  /** What the place holds instead (null: nothing). */
  resolved: string | null
  message: string
}

export interface PlaceProblem {
  path: string
  message: string
  detail?: { closest: string[] }
}

export type Placement = { place: ResolvedPlace; notes: PlaceNote[] } | { problems: PlaceProblem[] }

/** The four name fields, finest first: the order in which a name decides where a report is. */
const LEVELS = ['site', 'route', 'admin2', 'admin1'] as const
type Level = (typeof LEVELS)[number]
type Feature = { site: Site; route: Route; admin2: Area; admin1: Area }

/** A given name: matched to a feature, unknown to the gazetteer, or of a class it has none of. */
type Named<L extends Level> =
  | { given: string; status: 'matched'; feature: Feature[L] }
  | { given: string; status: 'unknown' }
  | { given: string; status: 'passthrough' }

type Names = { [L in Level]?: Named<L> }

const round3 = (x: number) => Math.round(x * 1000) / 1000

function classIsEmpty(gaz: Gazetteer, level: Level): boolean {
  if (level === 'site') return gaz.sites.length === 0
  if (level === 'route') return gaz.routes.length === 0
  const l = level === 'admin1' ? 1 : 2
  return !gaz.areas.some((a) => a.level === l)
}

function find<L extends Level>(gaz: Gazetteer, level: L, name: string): Feature[L] | null {
  if (level === 'site') return gaz.findSite(name) as Feature[L] | null
  if (level === 'route') return gaz.findRoute(name) as Feature[L] | null
  return gaz.findArea(name, level === 'admin1' ? 1 : 2) as Feature[L] | null
}

function resolveNames(gaz: Gazetteer, input: PlaceInput): Names {
  const names: Names = {}
  for (const level of LEVELS) {
    const given = input[level]
    if (given === undefined || given.trim() === '') continue
    if (classIsEmpty(gaz, level)) {
      names[level] = { given, status: 'passthrough' } as never
      continue
    }
    const feature = find(gaz, level, given)
    names[level] = (feature ? { given, status: 'matched', feature } : { given, status: 'unknown' }) as never
  }
  return names
}

const CLASS_OF: Record<Level, 'site' | 'route' | 'area'> = { site: 'site', route: 'route', admin2: 'area', admin1: 'area' }
const LABEL: Record<Level, string> = { site: 'site', route: 'route', admin2: 'admin2 area', admin1: 'admin1 area' }

function unknownProblem(gaz: Gazetteer, level: Level, given: string): PlaceProblem {
  const closest = gaz.closestNames(CLASS_OF[level], given)
  return {
    path: `location.${level}`,
    message: `unknown ${LABEL[level]} '${given}' in the ${gaz.mission} gazetteer${closest.length > 0 ? `; closest: ${closest.join(', ')}` : ''}`,
    detail: { closest },
  }
}

/** The human label of a feature in a note: "Ouaka (CF43)", "Bambari (bambari)", "MSR-1". */
function label(level: Level, f: Site | Route | Area): string {
  if (level === 'site') return `${f.name} (${(f as Site).id})`
  if (level === 'route') return (f as Route).id
  return `${f.name} (${(f as Area).pcode})`
}

const sameFeature = (level: Level, a: Site | Route | Area, b: Site | Route | Area) =>
  level === 'admin1' || level === 'admin2' ? (a as Area).pcode === (b as Area).pcode : (a as Site).id === (b as Site).id

function setArea(place: ResolvedPlace, level: 'admin1' | 'admin2', area: Area) {
  if (level === 'admin1') {
    place.admin1 = area.name
    place.admin1Pcode = area.pcode
  } else {
    place.admin2 = area.name
    place.admin2Pcode = area.pcode
  }
}

function setFeature(place: ResolvedPlace, level: Level, f: Site | Route | Area, distanceKm?: number) {
  if (level === 'site') {
    const s = f as Site
    Object.assign(place, { site: s.name, siteId: s.id, siteKind: s.kind })
    if (distanceKm !== undefined) place.distanceToSiteKm = round3(distanceKm)
  } else if (level === 'route') {
    const r = f as Route
    Object.assign(place, { route: r.id, routeName: r.name })
    if (distanceKm !== undefined) place.distanceToRouteKm = round3(distanceKm)
  } else {
    setArea(place, level, f as Area)
  }
}

function fieldHas(place: ResolvedPlace, level: Level): boolean {
  return level === 'site' ? place.site !== undefined : level === 'route' ? place.route !== undefined : place[level] !== undefined
}

/** What the coordinates say at one level: the feature and, for sites and routes, the distance. */
function fromCoordinates(gaz: Gazetteer, level: Level, lat: number, lon: number): { feature: Site | Route | Area; distanceKm?: number } | null {
  if (level === 'site') {
    const s = gaz.nearestSite(lat, lon)
    return s && { feature: s.site, distanceKm: s.distanceKm }
  }
  if (level === 'route') {
    const r = gaz.nearestRoute(lat, lon)
    return r && { feature: r.route, distanceKm: r.distanceKm }
  }
  const a = gaz.areaAt(lat, lon, level === 'admin1' ? 1 : 2)
  return a && { feature: a }
}

/** Why the coordinates do not hold a named feature, or null when they do. */
function outsideReason(gaz: Gazetteer, level: Level, f: Site | Route | Area, lat: number, lon: number): string | null {
  if (level === 'site') {
    const s = f as Site
    const near = gaz.nearestSite(lat, lon)
    if (near?.site.id === s.id) return null
    return near ? `nearer ${label('site', near.site)}` : `outside the ${s.radiusKm} km radius of ${label('site', s)}`
  }
  if (level === 'route') {
    const near = gaz.nearestRoute(lat, lon)
    if (near?.route.id === (f as Route).id) return null
    return `outside the ${(f as Route).corridorKm} km corridor of ${label('route', f)}`
  }
  const a = gaz.areaAt(lat, lon, level === 'admin1' ? 1 : 2)
  if (a?.pcode === (f as Area).pcode) return null
  return a ? `in ${label(level, a)}` : `outside every ${LABEL[level]}`
}

/** Coordinates at least as precise as every name: each level the precision allows comes from them. */
function byCoordinates(gaz: Gazetteer, input: PlaceInput & { lat: number; lon: number }, names: Names): { place: ResolvedPlace; notes: PlaceNote[] } {
  const { lat, lon, precision } = input
  const place: ResolvedPlace = { lat, lon, precision, gazetteerVersion: gaz.version }
  const notes: PlaceNote[] = []
  for (const level of LEVELS) {
    const named = names[level]
    // Coordinates of precision admin1 say nothing about the site they might happen to be near.
    const derived = isCoarser(precision, level) ? null : fromCoordinates(gaz, level, lat, lon)
    if (derived) setFeature(place, level, derived.feature, derived.distanceKm)
    if (!named) continue
    const field = `location.${level}`
    if (named.status === 'passthrough') {
      Object.assign(place, { [level]: named.given })
    } else if (named.status === 'unknown') {
      notes.push({
        field, given: named.given, resolved: derived ? label(level, derived.feature) : null,
        message: `'${named.given}' is not a ${LABEL[level]} of the ${gaz.mission} gazetteer; ${derived ? `placed in ${label(level, derived.feature)} by the coordinates` : `the coordinates give no ${LABEL[level]}`}`,
      })
    } else if (!derived || !sameFeature(level, derived.feature, named.feature)) {
      const where = outsideReason(gaz, level, named.feature, lat, lon)
      notes.push({
        field, given: named.given, resolved: derived ? label(level, derived.feature) : null,
        message: `'${named.given}' is ${label(level, named.feature)}, but the coordinates lie ${where}; the coordinates win`,
      })
    }
  }
  return { place, notes }
}

/** Placed at the finest named feature (no coordinates, or coordinates coarser than the name). */
function byName(gaz: Gazetteer, input: PlaceInput, names: Names, finest: Level, feature: Site | Route | Area): { place: ResolvedPlace; notes: PlaceNote[] } {
  const point = gaz.pointOf(feature)
  const place: ResolvedPlace = { lat: point?.lat ?? null, lon: point?.lon ?? null, precision: finest, gazetteerVersion: gaz.version }
  const notes: PlaceNote[] = []
  setFeature(place, finest, feature)
  // The parents the named feature itself gives: where a site lies, an admin2's admin1.
  const parents: { level: 'admin1' | 'admin2'; area: Area }[] = []
  if (finest === 'site') {
    const s = feature as Site
    const a2 = s.admin2Pcode ? gaz.area(s.admin2Pcode) : null
    const a1 = s.admin1Pcode ? gaz.area(s.admin1Pcode) : null
    if (a2) parents.push({ level: 'admin2', area: a2 })
    if (a1) parents.push({ level: 'admin1', area: a1 })
  } else if (finest === 'admin2') {
    const a1 = (feature as Area).parent ? gaz.area((feature as Area).parent!) : null
    if (a1) parents.push({ level: 'admin1', area: a1 })
  }
  for (const p of parents) setArea(place, p.level, p.area)
  const hasCoords = input.lat !== undefined && input.lon !== undefined
  for (const level of LEVELS) {
    const named = names[level]
    if (!named || level === finest) continue
    const field = `location.${level}`
    if (named.status === 'passthrough') {
      Object.assign(place, { [level]: named.given })
    } else if (named.status === 'unknown') {
      const resolved = fieldHas(place, level) ? String(level === 'site' ? place.site : level === 'route' ? place.route : place[level]) : null
      notes.push({ field, given: named.given, resolved, message: `'${named.given}' is not a ${LABEL[level]} of the ${gaz.mission} gazetteer; placed by the ${LABEL[finest]} ${label(finest, feature)}` })
    } else {
      const parent = parents.find((p) => p.level === level)
      if (!parent) setFeature(place, level, named.feature)
      else if (!sameFeature(level, parent.area, named.feature)) {
        notes.push({
          field, given: named.given, resolved: label(level, parent.area),
          message: `'${named.given}' is ${label(level, named.feature)}, but the ${LABEL[finest]} ${label(finest, feature)} lies in ${label(level, parent.area)}; the finer name wins`,
        })
      }
    }
  }
  // A route gives no areas (it crosses them); a named admin2 still gives its admin1.
  if (place.admin2Pcode && !place.admin1Pcode) {
    const a2 = gaz.area(place.admin2Pcode)
    const a1 = a2?.parent ? gaz.area(a2.parent) : null
    if (a1) setArea(place, 'admin1', a1)
  }
  if (hasCoords) {
    const where = outsideReason(gaz, finest, feature, input.lat!, input.lon!)
    if (where) {
      notes.push({
        field: 'location.precision', given: `${input.lat}, ${input.lon} (${input.precision})`, resolved: point ? `${round3(point.lat)}, ${round3(point.lon)} (${finest})` : null,
        message: `the coordinates lie ${where}, but their precision ${input.precision} is coarser than the ${LABEL[finest]} ${label(finest, feature)}; placed at the ${LABEL[finest]}`,
      })
    }
  }
  return { place, notes }
}

/** Without a gazetteer: names and coordinates as given, as before places were resolved. */
function asGiven(input: PlaceInput): { place: ResolvedPlace; notes: PlaceNote[] } {
  const hasCoords = input.lat !== undefined && input.lon !== undefined
  const finest = LEVELS.find((l) => input[l] !== undefined && input[l]!.trim() !== '')
  const place: ResolvedPlace = {
    lat: hasCoords ? input.lat! : null,
    lon: hasCoords ? input.lon! : null,
    // Without coordinates the finest name is all that is known of the place.
    precision: !hasCoords && finest ? finest : input.precision,
  }
  for (const l of LEVELS) if (input[l] !== undefined) Object.assign(place, { [l]: input[l] })
  return { place, notes: [] }
}

/**
 * Resolves a report's place against its mission's gazetteer (undefined: the mission has none).
 * Deterministic: the same gazetteer and input always give the same place and notes.
 */
export function placeReport(gaz: Gazetteer | undefined, input: PlaceInput): Placement {
  if (!gaz) return asGiven(input)
  const hasCoords = input.lat !== undefined && input.lon !== undefined
  const names = resolveNames(gaz, input)
  if (!hasCoords) {
    const problems = LEVELS.flatMap((l) => (names[l]?.status === 'unknown' ? [unknownProblem(gaz, l, names[l]!.given)] : []))
    if (problems.length > 0) return { problems }
  }
  const finest = LEVELS.find((l) => names[l]?.status === 'matched')
  if (hasCoords && (!finest || !isCoarser(input.precision, finest))) {
    return byCoordinates(gaz, input as PlaceInput & { lat: number; lon: number }, names)
  }
  if (finest) {
    const named = names[finest] as { feature: Site | Route | Area }
    return byName(gaz, input, names, finest, named.feature)
  }
  // Names only, none of them placeable (their class is empty): kept as given, no point.
  const out = asGiven(input)
  out.place.gazetteerVersion = gaz.version
  return out
}
