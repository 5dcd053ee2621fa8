import { z } from 'zod'
import { NOT_WELL_FORMED } from '../well-formed-text.js'
import { MAX_ROUTE_CORRIDOR_KM, MAX_SITE_RADIUS_KM, SITE_KINDS } from './site-kinds.js'

/** The properties of each gazetteer feature, once, in zod: the check and the JSON Schema use them. */

const text = (max: number) => z.string({ error: 'text' }).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`)
  .refine((s) => s.isWellFormed(), NOT_WELL_FORMED)
const name = text(200)
const altNames = z.array(text(200), { error: 'a list of names' }).max(200).default([])
const code = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, `${what}: letters, digits and . _ : - only, at most 64`)

export const areaPropertiesSchema = z.strictObject({
  level: z.union([z.literal(1), z.literal(2)], { error: 'level is 1 (e.g. prefecture) or 2 (e.g. sub-prefecture)' }),
  pcode: code('a P-code such as CF43'),
  name,
  /** The level-1 P-code a level-2 area lies in; absent (or null) for level 1. */
  parent: code('a P-code such as CF43').nullable().optional(),
  altNames,
})

export const sitePropertiesSchema = z.looseObject({
  id: code('a site id'),
  name,
  kind: z.enum(SITE_KINDS, { error: (iss) => `unknown site kind ${JSON.stringify(iss.input)}; one of: ${SITE_KINDS.join(', ')}` }),
  radiusKm: z.number({ error: 'a number of km' }).positive('a positive number of km').max(MAX_SITE_RADIUS_KM, `at most ${MAX_SITE_RADIUS_KM} km`),
  altNames,
})

export const routePropertiesSchema = z.strictObject({
  id: code('a route id such as MSR-1'),
  name,
  corridorKm: z.number({ error: 'a number of km' }).positive('a positive number of km').max(MAX_ROUTE_CORRIDOR_KM, `at most ${MAX_ROUTE_CORRIDOR_KM} km`),
  altNames,
})

export const gazetteerMetaSchema = z.strictObject({
  name: text(200).optional(),
  attribution: text(2000).optional(),
  source: text(2000).optional(),
  licence: text(200).optional(),
  tiles: z.string().regex(/^https:\/\/[^\s]*\{z\}[^\s]*\{x\}[^\s]*\{y\}[^\s]*$/, 'an https URL template with {z}, {x} and {y}').optional(),
})

export type AreaProperties = z.output<typeof areaPropertiesSchema>
export type SiteProperties = z.output<typeof sitePropertiesSchema>
export type RouteProperties = z.output<typeof routePropertiesSchema>

/*
 * Whole files, for the published JSON Schemas (editors validate a file as it is written). The
 * check reads geometry by hand instead, to position each bad ring or position and to test what
 * a schema cannot (closed rings, crossings).
 */
const position = z.array(z.number()).min(2).max(3)
const ring = z.array(position).min(4)
const polygon = z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) })
const multiPolygon = z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) })
const point = z.strictObject({ type: z.literal('Point'), coordinates: position })
const line = z.array(position).min(2)
const lineString = z.strictObject({ type: z.literal('LineString'), coordinates: line })
const multiLineString = z.strictObject({ type: z.literal('MultiLineString'), coordinates: z.array(line).min(1) })

const featureCollection = (properties: z.ZodType, geometry: z.ZodType) => z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ type: z.literal('Feature'), properties, geometry })),
})

export const areasFileSchema = featureCollection(areaPropertiesSchema, z.union([polygon, multiPolygon]))
export const sitesFileSchema = featureCollection(sitePropertiesSchema, point)
export const routesFileSchema = featureCollection(routePropertiesSchema, z.union([lineString, multiLineString]))
