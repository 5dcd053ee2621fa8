import { z } from 'zod'
import { NOT_WELL_FORMED, wellFormedText } from '../well-formed-text.js'
import { LOCATION_PRECISIONS } from './report-place.js'

/**
 * The incident report as an analyst posts it: the ingest contract. Strict objects, so a
 * misspelt field is an error rather than silently dropped data.
 */

export const REPORT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/
export { LOCATION_PRECISIONS }
export const DATE_PRECISIONS = ['exact', 'day', 'week', 'month'] as const
export const TARGETS = [
  'UN_MIL', 'UN_POL', 'UN_CIV', 'UN_PREMISES', 'UN_CONVOY',
  'HUMANITARIAN', 'CIVILIAN', 'STATE_FORCES', 'ARMED_GROUP',
] as const
export const ACTOR_TYPES = ['armed-group', 'state-force', 'communal-militia', 'criminal', 'unknown'] as const
export const RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const

const wellFormed = (s: string) => s.isWellFormed()
const text = (max: number) => wellFormedText(max)
const count = z.number().int().min(0).max(1_000_000).default(0)
const isoDateTime = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with time zone, e.g. 2026-03-01T14:30:00Z' })

const unCasualties = z.strictObject({ military: count, police: count, civilian: count }).prefault({})
const casualtyGroup = z.strictObject({ un: unCasualties, civilian: count, other: count }).prefault({})

export const casualtiesSchema = z.strictObject({
  killed: casualtyGroup,
  injured: casualtyGroup,
  abducted: casualtyGroup,
}).prefault({})

const PLACE_NAMES = ['admin1', 'admin2', 'route', 'site', 'place'] as const

/**
 * Where it happened: coordinates, or only the names of the district, route or site (common in
 * field reporting), or both. The mission's gazetteer resolves either into a place.
 */
export const locationSchema = z.strictObject({
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  precision: z.enum(LOCATION_PRECISIONS).optional()
    .describe('how precisely the place is known; default exact with coordinates, else the finest name given'),
  admin1: text(100).optional(),
  admin2: text(100).optional(),
  place: text(200).optional(),
  route: text(50).optional(),
  site: text(100).optional(),
}).superRefine((loc, ctx) => {
  if ((loc.lat === undefined) !== (loc.lon === undefined)) {
    const missing = loc.lat === undefined ? 'lat' : 'lon'
    ctx.addIssue({ code: 'custom', path: [missing], message: 'lat and lon go together: give both or neither' })
  }
  if (loc.lat === undefined && loc.lon === undefined && !PLACE_NAMES.some((k) => loc[k] !== undefined)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'give coordinates (lat, lon) or the name of an admin1, admin2, route or site' })
  }
})

export const sourceSchema = z.strictObject({
  reliability: z.enum(RELIABILITY),
  credibility: z.number().int().min(1).max(6),
  sourceId: text(100).optional(),
})

export const actorSchema = z.strictObject({
  name: text(200),
  type: z.enum(ACTOR_TYPES),
})

export const reportInputSchema = z.strictObject({
  id: z.string().regex(REPORT_ID_PATTERN, 'letters, digits and . _ : - only, at most 128, e.g. MINUSMA-2026-000123'),
  mission: z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'a mission code such as MINUSMA'),
  occurredAt: isoDateTime,
  datePrecision: z.enum(DATE_PRECISIONS).default('exact'),
  reportedAt: isoDateTime.optional(),
  location: locationSchema,
  category: text(100),
  categories: z.array(text(100)).max(10).default([]),
  casualties: casualtiesSchema,
  targets: z.array(z.enum(TARGETS)).max(TARGETS.length).default([]),
  actors: z.array(actorSchema).max(50).default([]),
  weapons: z.array(text(100)).max(50).default([]),
  source: sourceSchema,
  narrative: z.string().max(10_000).refine(wellFormed, NOT_WELL_FORMED).default(''),
  tags: z.array(text(100)).max(50).default([]),
}).meta({ id: 'IncidentReport', title: 'Incident report', description: 'An incident report as a JMAC analyst posts it.' })

export const retractInputSchema = z.strictObject({
  reason: z.string().trim().max(1000).refine(wellFormed, NOT_WELL_FORMED).optional(),
}).meta({ id: 'Retraction' })

export type ReportInput = z.infer<typeof reportInputSchema>
export type Casualties = z.infer<typeof casualtiesSchema>
export type ReportLocation = z.infer<typeof locationSchema>
