import fs from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { SCHEMAS_DIR } from '../paths.js'
import { DATE_PRECISIONS, LOCATION_PRECISIONS, RELIABILITY, TARGETS } from '../reports/report-schema.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'

/** The standard crosswalk, shipped with vigil. */
export const UCDP_CROSSWALK_FILE = path.join(SCHEMAS_DIR, 'crosswalks', 'ucdp-ged.yaml')

const code = z.string().regex(/^[A-Z]{3}\.[A-Z]{2,12}$/, 'a taxonomy code such as ARM.CLASH')
const names = z.array(z.string().trim().min(1)).default([])
const precisionKey = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)])

/** One row of the category table: the first row whose conditions all hold gives the category. */
const categoryRow = z.strictObject({
  typeOfViolence: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  identity: z.boolean().optional(),
  un: z.boolean().optional(),
  category: code,
  targets: z.array(z.enum(TARGETS)).default([]),
})

/** One row of the Admiralty table: the first row whose conditions hold gives the grade. */
const admiraltyRow = z.strictObject({
  eventClarity: z.union([z.literal(1), z.literal(2)]),
  minSources: z.number().int().min(1).optional(),
  reliability: z.enum(RELIABILITY),
  credibility: z.number().int().min(1).max(6),
})

/** schemas/crosswalks/ucdp-ged.yaml: how a UCDP GED event becomes an incident report. */
export const ucdpCrosswalkSchema = z.strictObject({
  version: z.string().min(1),
  sourceId: z.string().trim().min(1).max(100),
  categories: z.array(categoryRow).min(1),
  identityGroups: names,
  unParties: names,
  civilianSides: names,
  statePrefixes: names,
  // YAML gives the numeric keys as strings; coerce them so a typo such as `8:` is refused.
  locationPrecision: z.record(z.coerce.number().pipe(precisionKey), z.enum(LOCATION_PRECISIONS)),
  datePrecision: z.record(z.coerce.number().pipe(precisionKey), z.enum(DATE_PRECISIONS)),
  occurredAt: z.enum(['date_start', 'date_end']),
  admiralty: z.array(admiraltyRow).min(1),
  adminSuffixes: z.array(z.string().min(1)).default([]),
})

export type UcdpCrosswalk = z.infer<typeof ucdpCrosswalkSchema>

/** A crosswalk file that is not valid; the message lists every problem with its path. */
export class CrosswalkError extends Error {
  override name = 'CrosswalkError'
}

/** Checks a parsed crosswalk, including that every category it names exists in the taxonomy. */
export function parseUcdpCrosswalk(data: unknown, taxonomy: Taxonomy, file = 'crosswalk'): UcdpCrosswalk {
  const parsed = ucdpCrosswalkSchema.safeParse(data)
  if (!parsed.success) {
    throw new CrosswalkError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  }
  const unknown = parsed.data.categories.map((r, i) => ({ i, code: r.category })).filter((r) => !taxonomy.codes.has(r.code))
  if (unknown.length > 0) {
    throw new CrosswalkError(`${file}: ${unknown.map((u) => `categories.${u.i}.category: unknown taxonomy code ${u.code}`).join('; ')}`)
  }
  return parsed.data
}

/** Reads and checks a crosswalk file (by default the standard one). */
export function loadUcdpCrosswalk(taxonomy: Taxonomy, file = UCDP_CROSSWALK_FILE): UcdpCrosswalk {
  return parseUcdpCrosswalk(parseYaml(fs.readFileSync(file, 'utf8')) as unknown, taxonomy, file)
}
