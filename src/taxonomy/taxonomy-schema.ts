import { z } from 'zod'

export const UNSMS_CATEGORIES = ['armed-conflict', 'terrorism', 'crime', 'civil-unrest', 'hazard'] as const
export const FATALITY_CAUSES = ['Malicious Act', 'Accident', 'Illness', 'Self-Inflicted'] as const

const topCode = z.string().regex(/^[A-Z]{3}$/, 'a top code is three capital letters, e.g. HOS')
const subCode = z.string().regex(/^[A-Z]{3}\.[A-Z]{2,12}$/, 'a code is TOP.SUB, e.g. HOS.IED')

export const subcategorySchema = z.strictObject({
  code: subCode,
  label: z.string().min(1),
  definition: z.string().min(10),
  polarity: z.enum(['threat', 'mitigating']),
  unsms: z.array(z.enum(UNSMS_CATEGORIES)).min(1),
  fatalityCause: z.enum(FATALITY_CAUSES).nullable(),
  acled: z.array(z.string().min(1)),
  ucdp: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])),
  examples: z.array(z.string().min(1)).default([]),
})

export const categorySchema = z.strictObject({
  code: topCode,
  label: z.string().min(1),
  definition: z.string().min(10),
  subcategories: z.array(subcategorySchema).min(1),
})

/** schemas/taxonomy.yaml: the one harmonized threat taxonomy every mission shares. */
export const taxonomyFileSchema = z.strictObject({
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  categories: z.array(categorySchema).min(1),
})

/** schemas/aliases/<MISSION>.yaml: a mission's own category names mapped to taxonomy codes. */
export const aliasFileSchema = z.strictObject({
  mission: z.string().min(1),
  aliases: z.record(z.string().min(1), subCode),
})

export type Subcategory = z.infer<typeof subcategorySchema>
export type Category = z.infer<typeof categorySchema>
export type TaxonomyFile = z.infer<typeof taxonomyFileSchema>
export type AliasFile = z.infer<typeof aliasFileSchema>
