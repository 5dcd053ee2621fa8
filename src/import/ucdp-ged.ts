import type { UcdpCrosswalk } from './ucdp-crosswalk.js'
import type { Conversion, RowProblem, SourceRow } from './source-row.js'
import { clip, dayOf, numberOf, textOf } from './row-values.js'

/**
 * Applies the UCDP GED crosswalk (schemas/crosswalks/ucdp-ged.yaml) to one GED event. Field
 * names are the codebook's; the GeoJSON reader fills `latitude`/`longitude` from the geometry.
 * The result is a report input for the normal intake, which still validates and classifies it.
 */

const DAY_MS = 86_400_000
const NARRATIVE_MAX = 10_000

interface Side {
  name: string
  deaths: number
  un: boolean
  identity: boolean
  civilian: boolean
}

const contains = (name: string, needles: readonly string[]) => {
  const n = name.toLowerCase()
  return needles.some((x) => n.includes(x.toLowerCase()))
}

function sideOf(cw: UcdpCrosswalk, name: string | null, deaths: number): Side | null {
  if (name === null) return null
  return {
    name,
    deaths,
    un: contains(name, cw.unParties),
    identity: contains(name, cw.identityGroups),
    civilian: cw.civilianSides.some((c) => c.toLowerCase() === name.toLowerCase()),
  }
}

/** A count of deaths: blank is none; anything else must be a whole number of at least zero. */
function deathsOf(values: Record<string, unknown>, field: string, problems: RowProblem[]): number {
  const n = numberOf(values[field])
  if (n === null) return 0
  if (!Number.isInteger(n) || n < 0) {
    problems.push({ reason: `${field} is not a count of deaths`, detail: String(values[field]) })
    return 0
  }
  return n
}

/** occurredAt and datePrecision from the date range and its precision code. */
function dates(cw: UcdpCrosswalk, v: Record<string, unknown>, problems: RowProblem[]) {
  const start = dayOf(v.date_start)
  const end = dayOf(v.date_end)
  const precision = cw.datePrecision[numberOf(v.date_prec) as 1]
  if (start === null && end === null) problems.push({ reason: 'no usable date (date_start, date_end)', detail: `${textOf(v.date_start) ?? ''}/${textOf(v.date_end) ?? ''}` })
  if (start !== null && end !== null && end < start) problems.push({ reason: 'date_end before date_start', detail: `${textOf(v.date_start)}/${textOf(v.date_end)}` })
  if (!precision) problems.push({ reason: 'unknown date_prec', detail: String(v.date_prec ?? '') })
  // The chosen end of the range when it is there; otherwise the only date given.
  const day = cw.occurredAt === 'date_end' ? (end ?? start) : (start ?? end)
  return { occurredAt: day === null ? null : new Date(day).toISOString(), precision, days: start !== null && end !== null ? Math.round((end - start) / DAY_MS) + 1 : 1 }
}

function location(cw: UcdpCrosswalk, v: Record<string, unknown>, problems: RowProblem[]) {
  const lat = numberOf(v.latitude)
  const lon = numberOf(v.longitude)
  const usable = lat !== null && lon !== null && !Number.isNaN(lat) && !Number.isNaN(lon)
    && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)
  if (!usable) problems.push({ reason: 'no usable coordinates (latitude, longitude)', detail: `${String(v.latitude ?? '')}, ${String(v.longitude ?? '')}` })
  const precision = cw.locationPrecision[numberOf(v.where_prec) as 1]
  if (!precision) problems.push({ reason: 'unknown where_prec', detail: String(v.where_prec ?? '') })
  const admin = (field: string) => {
    let name = textOf(v[field])
    if (name === null) return undefined
    for (const suffix of cw.adminSuffixes) {
      if (name.toLowerCase().endsWith(suffix.toLowerCase()) && name.length > suffix.length) name = name.slice(0, -suffix.length).trim()
    }
    return clip(name, 100)
  }
  const place = textOf(v.where_coordinates)
  return {
    lat: lat ?? 0,
    lon: lon ?? 0,
    precision,
    ...(admin('adm_1') ? { admin1: admin('adm_1') } : {}),
    ...(admin('adm_2') ? { admin2: admin('adm_2') } : {}),
    ...(place ? { place: clip(place, 200) } : {}),
  }
}

function admiralty(cw: UcdpCrosswalk, v: Record<string, unknown>, problems: RowProblem[]) {
  const clarity = numberOf(v.event_clarity)
  const sources = numberOf(v.number_of_sources) ?? -1
  const row = cw.admiralty.find((r) => r.eventClarity === clarity && (r.minSources === undefined || sources >= r.minSources))
  if (!row) problems.push({ reason: 'no Admiralty grade for event_clarity', detail: String(v.event_clarity ?? '') })
  return { reliability: row?.reliability ?? 'F', credibility: row?.credibility ?? 6, sourceId: cw.sourceId }
}

function actorType(cw: UcdpCrosswalk, s: Side) {
  if (cw.statePrefixes.some((p) => s.name.toLowerCase().startsWith(p.toLowerCase()))) return 'state-force'
  return s.identity ? 'communal-militia' : 'armed-group'
}

function narrative(v: Record<string, unknown>, span: number): string {
  const parts = [
    textOf(v.dyad_name) ? `${textOf(v.conflict_name) ?? 'UCDP'} (${textOf(v.dyad_name)})` : textOf(v.conflict_name),
    textOf(v.where_description),
    span > 1 ? `Between ${textOf(v.date_start)?.slice(0, 10)} and ${textOf(v.date_end)?.slice(0, 10)}.` : null,
    `Deaths: best ${textOf(v.best) ?? '?'} (low ${textOf(v.low) ?? '?'}, high ${textOf(v.high) ?? '?'}).`,
    textOf(v.source_article) ? `Sources: ${textOf(v.source_article)}` : null,
  ]
  return clip(parts.filter((p): p is string => Boolean(p)).map((p) => (/[.!?]$/.test(p) ? p : `${p}.`)).join(' '), NARRATIVE_MAX)
}

/** The first row of the category table that fits the type of violence and the sides. */
function categoryRow(cw: UcdpCrosswalk, v: Record<string, unknown>, sides: readonly Side[], problems: RowProblem[]) {
  const tov = numberOf(v.type_of_violence)
  if (tov !== 1 && tov !== 2 && tov !== 3) {
    problems.push({ reason: 'unknown type_of_violence', detail: String(v.type_of_violence ?? '') })
    return null
  }
  const un = sides.some((s) => s.un)
  const identity = sides.some((s) => s.identity)
  const row = cw.categories.find((r) => (r.typeOfViolence === undefined || r.typeOfViolence === tov)
    && (r.un === undefined || r.un === un) && (r.identity === undefined || r.identity === identity))
  if (!row) problems.push({ reason: 'no crosswalk category for type_of_violence', detail: String(tov) })
  return row ? { ...row, tov } : null
}

/** GED counts deaths only: civilians, a UN side's deaths as UN military, everyone else as other. */
function casualties(v: Record<string, unknown>, sides: readonly Side[], problems: RowProblem[]) {
  const all = ['deaths_a', 'deaths_b', 'deaths_unknown'].reduce((n, f) => n + deathsOf(v, f, problems), 0)
  const un = sides.filter((s) => s.un).reduce((n, s) => n + s.deaths, 0)
  return { killed: { un: { military: un }, civilian: deathsOf(v, 'deaths_civilians', problems), other: all - un } }
}

/** The report input for one GED event of `mission`, or every problem that stops it. */
export function ucdpToReport(row: SourceRow, cw: UcdpCrosswalk, mission: string): Conversion {
  const v = row.values
  const problems: RowProblem[] = []
  const sourceId = textOf(v.id)
  const id = sourceId !== null && /^\d+$/.test(sourceId) ? `UCDP-${sourceId}` : null
  if (!id) problems.push({ reason: 'no UCDP event id', detail: String(v.id ?? '') })
  const sides = [sideOf(cw, textOf(v.side_a), numberOf(v.deaths_a) ?? 0), sideOf(cw, textOf(v.side_b), numberOf(v.deaths_b) ?? 0)]
    .filter((s): s is Side => s !== null)
  const category = categoryRow(cw, v, sides, problems)
  const killed = casualties(v, sides, problems)
  const when = dates(cw, v, problems)
  const where = location(cw, v, problems)
  const source = admiralty(cw, v, problems)
  if (problems.length > 0 || !id || !category || !when.occurredAt) return { ok: false, id, problems }
  const conflict = textOf(v.conflict_new_id)
  return {
    ok: true,
    input: {
      id,
      mission,
      occurredAt: when.occurredAt,
      datePrecision: when.precision,
      location: where,
      category: category.category,
      casualties: killed,
      targets: category.targets,
      actors: sides.filter((s) => !s.civilian && !s.un).map((s) => ({ name: clip(s.name, 200), type: actorType(cw, s) })),
      source,
      narrative: narrative(v, when.days),
      tags: ['ucdp-ged', `ucdp-violence-${category.tov}`, ...(conflict ? [`ucdp-conflict-${conflict}`] : [])],
    },
  }
}
