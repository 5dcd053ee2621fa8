import { createHash } from 'node:crypto'
import type { Problem } from '../errors.js'
import { closestCodes, resolveCategory, type Taxonomy } from '../taxonomy/taxonomy.js'
import { reportInputSchema, type ReportInput } from './report-schema.js'
import { zodProblems } from '../zod-problems.js'
import { placeAsGiven, placeByNames, type PlaceNote, type Placer, type ResolvedPlace } from './report-place.js'

/**
 * A report after classification: every category resolved to a harmonized code, times as
 * epoch milliseconds, and the analyst's own terms kept beside the codes.
 */
export interface Report extends Omit<ReportInput, 'category' | 'categories' | 'occurredAt' | 'reportedAt'> {
  occurredAt: string
  reportedAt: string | null
  /** Harmonized code of the main category. */
  category: string
  /** What the report said (a code or a mission alias). */
  categoryTerm: string
  /** Harmonized codes of the secondary categories. */
  categories: string[]
  categoryTerms: string[]
  /** Where it happened, resolved against the mission's gazetteer; `location` keeps what was written. */
  place: ResolvedPlace
  /** Where the written names and the resolved place disagree. */
  placeNotes: PlaceNote[]
  /** The partner organisation whose key posted it (set by vigil, never by the body). */
  partnerOrg?: string
}

/** Stored report: the current revision plus bookkeeping. */
export interface StoredReport {
  report: Report
  revision: number
  status: 'active' | 'retracted'
  receivedAt: string
  updatedAt: string
  retractedReason: string | null
}

/** The earliest occurredAt vigil accepts; anything before is a typo, not history. */
export const EARLIEST_OCCURRED_AT = Date.UTC(1900, 0, 1)
/** How far in the future occurredAt may lie, to absorb clock skew between systems. */
export const FUTURE_TOLERANCE_MS = 60 * 60 * 1000

export interface ClassifyContext {
  taxonomy: Taxonomy
  missions: readonly string[]
  now: number
  /** Resolves the location against the mission's gazetteer; names as given when absent. */
  place?: Placer
}

/**
 * Classifies a schema-valid input against the taxonomy and the mission list. Returns the
 * report or every problem found (unknown mission, unknown category with the closest codes,
 * dates out of range), each with its field path.
 */
export function classifyReport(input: ReportInput, ctx: ClassifyContext): { report: Report } | { problems: Problem[] } {
  const c = classifyFields(input, ctx)
  if (c.problems.length > 0 || !c.main || !c.placed) return { problems: c.problems }
  const main = c.main
  const placed = c.placed
  const codes = c.secondary.map((r) => r!.code).filter((code, i, all) => code !== main.code && all.indexOf(code) === i)
  return {
    report: {
      ...input,
      occurredAt: new Date(c.occurred!).toISOString(),
      reportedAt: c.reported === null ? null : new Date(c.reported).toISOString(),
      category: main.code,
      categoryTerm: main.term,
      categories: codes,
      categoryTerms: input.categories,
      place: placed.place,
      placeNotes: placed.notes,
    },
  }
}

/** A report's resolved place; reports stored before places were resolved hold the names as given. */
export function placeOf(report: Report): ResolvedPlace {
  return report.place ?? placeAsGiven(report.location)
}

/**
 * What rules read as `location`: the resolved place over what was written, so `location.admin1`
 * is the canonical area whatever the spelling, plus the P-codes, site kind and distances.
 */
export function locationView(report: Report): Record<string, unknown> {
  const { gazetteerVersion: _v, ...place } = placeOf(report)
  return { ...report.location, ...place }
}

/**
 * Validates a body as posted: the schema and the classification together, so one answer lists
 * every problem. Fields that fail the schema are left out of the classification; the others
 * (a known mission, a category term) are still classified.
 */
export function validateReport(raw: unknown, ctx: ClassifyContext): { input: ReportInput; report: Report } | { problems: Problem[] } {
  const parsed = reportInputSchema.safeParse(raw)
  if (parsed.success) {
    const out = classifyReport(parsed.data, ctx)
    return 'problems' in out ? out : { input: parsed.data, report: out.report }
  }
  const problems = zodProblems(parsed.error)
  const valid = validFields(raw)
  const bad = new Set(problems.map((p) => p.path.split('.')[0]))
  return { problems: [...problems, ...classifyFields(valid, ctx).problems.filter((p) => !bad.has(p.path.split('.')[0]))] }
}

/** The top-level fields of a body that pass their own schema, each parsed on its own. */
function validFields(raw: unknown): Partial<ReportInput> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {}
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(reportInputSchema.shape)) {
    const r = field.safeParse((raw as Record<string, unknown>)[key])
    if (r.success && r.data !== undefined) out[key] = r.data
  }
  return out as Partial<ReportInput>
}

/** The classification checks over whichever fields are present. */
function classifyFields(input: Partial<ReportInput>, ctx: ClassifyContext) {
  const problems: Problem[] = []
  const mission = input.mission ?? ''
  if (input.mission !== undefined && !ctx.missions.includes(input.mission)) {
    problems.push({ path: 'mission', message: `unknown mission '${input.mission}'`, detail: { known: ctx.missions } })
  }
  const resolve = (term: string, path: string) => {
    const r = resolveCategory(ctx.taxonomy, term, mission)
    if (!r) {
      const closest = closestCodes(ctx.taxonomy, term, mission)
      problems.push({ path, message: `unknown category '${term}'; closest: ${closest.join(', ')}`, detail: { closest } })
    }
    return r
  }
  const main = input.category === undefined ? null : resolve(input.category, 'category')
  const secondary = (input.categories ?? []).map((t, i) => resolve(t, `categories.${i}`))

  const occurred = input.occurredAt === undefined ? null : Date.parse(input.occurredAt)
  if (occurred !== null && occurred < EARLIEST_OCCURRED_AT) problems.push({ path: 'occurredAt', message: 'must be 1900 or later' })
  if (occurred !== null && occurred > ctx.now + FUTURE_TOLERANCE_MS) problems.push({ path: 'occurredAt', message: 'lies in the future' })
  let reported: number | null = null
  if (input.reportedAt !== undefined) {
    reported = Date.parse(input.reportedAt)
    if (occurred !== null && reported < occurred) problems.push({ path: 'reportedAt', message: 'must not be before occurredAt' })
    if (reported > ctx.now + FUTURE_TOLERANCE_MS) problems.push({ path: 'reportedAt', message: 'lies in the future' })
  }
  if (input.sensitivity === 'restricted' && input.releasableTo && input.releasableTo.length > 0) {
    problems.push({ path: 'releasableTo', message: 'a restricted report is never released to partners: leave releasableTo out or lower the sensitivity' })
  }
  for (const [k, v] of Object.entries(input.casevac ?? {})) {
    if (Date.parse(v) > ctx.now + FUTURE_TOLERANCE_MS) problems.push({ path: `casevac.${k}`, message: 'lies in the future' })
  }
  // Placed only once the location and the mission passed their own checks.
  let placed: { place: ResolvedPlace; notes: PlaceNote[] } | null = null
  if (input.location !== undefined && input.mission !== undefined) {
    const p = (ctx.place ?? placeByNames)(input.mission, input.location)
    if ('problems' in p) problems.push(...p.problems)
    else placed = p
  }
  return { problems, main, secondary, occurred, reported, placed }
}

/** Every harmonized code a report carries, main first. */
export function reportCodes(report: Report): string[] {
  return [report.category, ...report.categories]
}

/**
 * A stable hash of a report's content: the same content always gives the same fingerprint. The
 * resolved place is left out: it is derived, and a new gazetteer must not turn a retry into a
 * conflict.
 */
export function fingerprint(input: object): string {
  const { place: _place, placeNotes: _notes, ...content } = input as Partial<Report>
  return createHash('sha256').update(canonicalJson(content)).digest('base64url').slice(0, 32)
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
