import fs from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import {
  aliasFileSchema, taxonomyFileSchema,
  type Category, type Subcategory, type TaxonomyFile,
} from './taxonomy-schema.js'
import { closestBy } from './closest.js'

/** The loaded taxonomy with its lookups. Immutable once built. */
export interface Taxonomy {
  readonly version: string
  readonly categories: readonly Category[]
  /** Every subcategory by code (HOS.IED). */
  readonly codes: ReadonlyMap<string, Subcategory & { top: string }>
  /** Every top category by code (HOS). */
  readonly tops: ReadonlyMap<string, Category>
  /** Per mission: lower-cased alias -> code. */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>
}

/** A category term resolved to its harmonized code; `term` is what the report said. */
export interface ResolvedCategory {
  code: string
  term: string
}

/** Raised when the taxonomy or an alias file is invalid; lists every problem with its file. */
export class TaxonomyError extends Error {
  override name = 'TaxonomyError'
  constructor(readonly problems: string[]) {
    super(`invalid taxonomy:\n  ${problems.join('\n  ')}`)
  }
}

function zodProblems(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`)
}

/** Builds a Taxonomy from parsed files; throws TaxonomyError listing every inconsistency. */
export function buildTaxonomy(file: TaxonomyFile, aliasFiles: { name: string; data: unknown }[]): Taxonomy {
  const problems: string[] = []
  const codes = new Map<string, Subcategory & { top: string }>()
  const tops = new Map<string, Category>()
  for (const cat of file.categories) {
    if (tops.has(cat.code)) problems.push(`taxonomy: duplicate top code ${cat.code}`)
    tops.set(cat.code, cat)
    for (const sub of cat.subcategories) {
      if (!sub.code.startsWith(`${cat.code}.`)) problems.push(`taxonomy: ${sub.code} is not under ${cat.code}`)
      if (codes.has(sub.code)) problems.push(`taxonomy: duplicate code ${sub.code}`)
      codes.set(sub.code, { ...sub, top: cat.code })
    }
  }
  const aliases = new Map<string, Map<string, string>>()
  for (const { name, data } of aliasFiles) {
    const parsed = aliasFileSchema.safeParse(data)
    if (!parsed.success) {
      problems.push(...zodProblems(name, parsed.error))
      continue
    }
    const table = new Map<string, string>()
    for (const [alias, code] of Object.entries(parsed.data.aliases)) {
      if (!codes.has(code)) problems.push(`${name}: alias '${alias}' points to unknown code ${code}`)
      if (table.has(alias.toLowerCase())) problems.push(`${name}: alias '${alias}' appears twice`)
      table.set(alias.toLowerCase(), code)
    }
    aliases.set(parsed.data.mission, table)
  }
  if (problems.length > 0) throw new TaxonomyError(problems)
  return Object.freeze({ version: file.version, categories: file.categories, codes, tops, aliases })
}

/** Reads schemas/taxonomy.yaml and every schemas/aliases/*.yaml; throws TaxonomyError. */
export function loadTaxonomy(taxonomyFile: string, aliasesDir: string): Taxonomy {
  const parsed = taxonomyFileSchema.safeParse(parseYaml(fs.readFileSync(taxonomyFile, 'utf8')))
  if (!parsed.success) throw new TaxonomyError(zodProblems(path.basename(taxonomyFile), parsed.error))
  const aliasFiles = fs.existsSync(aliasesDir)
    ? fs.readdirSync(aliasesDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => ({
        name: `aliases/${f}`,
        data: parseYaml(fs.readFileSync(path.join(aliasesDir, f), 'utf8')) as unknown,
      }))
    : []
  return buildTaxonomy(parsed.data, aliasFiles)
}

/**
 * Resolves a report's category term: a taxonomy code (any case) or one of the mission's aliases
 * (case-insensitive). Returns null when the term is neither.
 */
export function resolveCategory(tax: Taxonomy, term: string, mission: string): ResolvedCategory | null {
  const trimmed = term.trim()
  const upper = trimmed.toUpperCase()
  if (tax.codes.has(upper)) return { code: upper, term: trimmed }
  const code = tax.aliases.get(mission)?.get(trimmed.toLowerCase())
  return code ? { code, term: trimmed } : null
}

/** The codes closest to an unknown term, by code, label and the mission's aliases. */
export function closestCodes(tax: Taxonomy, term: string, mission: string, n = 3): string[] {
  const candidates: { key: string; code: string }[] = []
  for (const [code, sub] of tax.codes) {
    candidates.push({ key: code, code }, { key: sub.label, code })
  }
  for (const [alias, code] of tax.aliases.get(mission) ?? []) candidates.push({ key: alias, code })
  return closestBy(term, candidates, n)
}

/** True when `code` equals `prefix` or lies under it (HOS.IED is under HOS). */
export function isUnder(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(`${prefix}.`)
}

/** The top category of a code: HOS for HOS.IED. */
export function topOf(code: string): string {
  const dot = code.indexOf('.')
  return dot < 0 ? code : code.slice(0, dot)
}

/** A category's label by code, top category or any code; undefined when the taxonomy has none. */
export function labelOf(tax: Taxonomy): (code: string) => string | undefined {
  return (code) => tax.tops.get(code)?.label ?? tax.codes.get(code)?.label
}
