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
/** Through which channel a report came: the reporting-gap watch and the performance figures break down by it. */
export const CHANNELS = [
  'unpol', 'military-patrol', 'female-engagement-team', 'community-liaison-assistant', 'community-alert-network',
  'uas', 'camp-sensor', 'humanitarian-partner', 'host-state', 'media', 'open-source', 'other',
] as const
/** Who may read a report: public, internal (the default: the mission's own keys), restricted (need-to-know). */
export const SENSITIVITIES = ['public', 'internal', 'restricted'] as const
/** A partner organisation as keys and releasability lists name it, e.g. `ocha` or `pnc-ituri`. */
export const ORG_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/
export const orgName = z.string().regex(ORG_PATTERN, 'an organisation code: lower-case letters, digits and -, e.g. ocha')

const wellFormed = (s: string) => s.isWellFormed()
const text = (max: number) => wellFormedText(max)
const count = z.number().int().min(0).max(1_000_000).default(0)
const isoDateTime = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with time zone, e.g. 2026-03-01T14:30:00Z' })

const unCasualties = z.strictObject({ military: count, police: count, civilian: count }).prefault({})

const cell = z.number().int().min(0).max(1_000_000).optional()
/** Victims of one group by age (child: under 18); a missing cell is none. */
const byAge = z.strictObject({ child: cell, adult: cell, unknown: cell })
/** Victims of one group by sex, then age: `{ female: { child: 2 }, unknown: { unknown: 1 } }`. */
export const victimsBreakdownSchema = z.strictObject({ female: byAge.optional(), male: byAge.optional(), unknown: byAge.optional() })
  .describe('victims by sex (female, male, unknown) and age (child under 18, adult, unknown); must add up to the group\'s total')
const breakdown = z.strictObject({
  un: victimsBreakdownSchema.optional().describe('UN personnel (military, police and civilian together)'),
  civilian: victimsBreakdownSchema.optional(),
  other: victimsBreakdownSchema.optional(),
})
const casualtyGroup = z.strictObject({ un: unCasualties, civilian: count, other: count, breakdown: breakdown.optional() }).prefault({})

export const OUTCOMES = ['killed', 'injured', 'abducted'] as const
export const VICTIM_GROUPS = ['un', 'civilian', 'other'] as const
export const SEXES = ['female', 'male', 'unknown'] as const
export const AGE_GROUPS = ['child', 'adult', 'unknown'] as const
export type VictimsBreakdown = z.infer<typeof victimsBreakdownSchema>

/** The victims a breakdown counts, every cell added. */
export function breakdownTotal(b: VictimsBreakdown): number {
  let n = 0
  for (const sex of SEXES) for (const age of AGE_GROUPS) n += b[sex]?.[age] ?? 0
  return n
}

export const casualtiesSchema = z.strictObject({
  killed: casualtyGroup,
  injured: casualtyGroup,
  abducted: casualtyGroup,
}).superRefine((c, ctx) => {
  // A breakdown is of the whole group: its cells add up to the group's total, unknowns included.
  for (const outcome of OUTCOMES) {
    const g = c[outcome]
    for (const group of VICTIM_GROUPS) {
      const b = g.breakdown?.[group]
      if (!b) continue
      const total = group === 'un' ? g.un.military + g.un.police + g.un.civilian : g[group]
      const sum = breakdownTotal(b)
      if (sum !== total) {
        const field = group === 'un' ? `${outcome}.un (military + police + civilian)` : `${outcome}.${group}`
        ctx.addIssue({ code: 'custom', path: [outcome, 'breakdown', group], message: `the breakdown adds up to ${sum} but casualties.${field} is ${total}; count the victims whose sex or age is not known as unknown` })
      }
    }
  }
}).prefault({})

/**
 * Casualty evacuation against the 10-1-2 standard: when the casualty was injured, reached
 * advanced life support and surgery, and when the evacuation was completed.
 */
export const casevacSchema = z.strictObject({
  injuredAt: isoDateTime,
  lifeSupportAt: isoDateTime.optional().describe('advanced (damage-control) life support reached; target within 1 hour of injury'),
  surgeryAt: isoDateTime.optional().describe('surgery reached; target within 2 hours of injury'),
  evacuatedAt: isoDateTime.optional().describe('evacuation completed'),
}).superRefine((c, ctx) => {
  const injured = Date.parse(c.injuredAt)
  for (const k of ['lifeSupportAt', 'surgeryAt', 'evacuatedAt'] as const) {
    if (c[k] !== undefined && Date.parse(c[k]) < injured) ctx.addIssue({ code: 'custom', path: [k], message: 'must not be before injuredAt' })
  }
  if (c.lifeSupportAt !== undefined && c.surgeryAt !== undefined && Date.parse(c.surgeryAt) < Date.parse(c.lifeSupportAt)) {
    ctx.addIssue({ code: 'custom', path: ['surgeryAt'], message: 'must not be before lifeSupportAt (surgery includes advanced life support)' })
  }
})

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
  channel: z.enum(CHANNELS).optional().describe('through which channel the report came'),
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
  casevac: casevacSchema.optional(),
  sensitivity: z.enum(SENSITIVITIES).optional().describe('who may read it; internal when absent. restricted: need-to-know (e.g. SGBV survivor details), never shown to partners'),
  releasableTo: z.array(orgName).max(50).optional().describe('partner organisations the report is released to (redacted: no narrative, no source)'),
}).meta({ id: 'IncidentReport', title: 'Incident report', description: 'An incident report as a JMAC analyst posts it.' })

export const retractInputSchema = z.strictObject({
  reason: z.string().trim().max(1000).refine(wellFormed, NOT_WELL_FORMED).optional(),
}).meta({ id: 'Retraction' })

export type ReportInput = z.infer<typeof reportInputSchema>
export type Casualties = z.infer<typeof casualtiesSchema>
export type ReportLocation = z.infer<typeof locationSchema>
export type Casevac = z.infer<typeof casevacSchema>
export type Sensitivity = (typeof SENSITIVITIES)[number]
export type Channel = (typeof CHANNELS)[number]
