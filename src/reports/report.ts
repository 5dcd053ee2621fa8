import { createHash } from 'node:crypto'
import type { Problem } from '../errors.js'
import { closestCodes, resolveCategory, type Taxonomy } from '../taxonomy/taxonomy.js'
import type { ReportInput } from './report-schema.js'
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
  const problems: Problem[] = []
  if (!ctx.missions.includes(input.mission)) {
    problems.push({ path: 'mission', message: `unknown mission '${input.mission}'`, detail: { known: ctx.missions } })
  }
  const resolve = (term: string, path: string) => {
    const r = resolveCategory(ctx.taxonomy, term, input.mission)
    if (!r) {
      const closest = closestCodes(ctx.taxonomy, term, input.mission)
      problems.push({ path, message: `unknown category '${term}'; closest: ${closest.join(', ')}`, detail: { closest } })
    }
    return r
  }
  const main = resolve(input.category, 'category')
  const secondary = input.categories.map((t, i) => resolve(t, `categories.${i}`))

  const occurred = Date.parse(input.occurredAt)
  if (occurred < EARLIEST_OCCURRED_AT) problems.push({ path: 'occurredAt', message: 'must be 1900 or later' })
  if (occurred > ctx.now + FUTURE_TOLERANCE_MS) problems.push({ path: 'occurredAt', message: 'lies in the future' })
  let reported: number | null = null
  if (input.reportedAt !== undefined) {
    reported = Date.parse(input.reportedAt)
    if (reported < occurred) problems.push({ path: 'reportedAt', message: 'must not be before occurredAt' })
    if (reported > ctx.now + FUTURE_TOLERANCE_MS) problems.push({ path: 'reportedAt', message: 'lies in the future' })
  }
  const placed = (ctx.place ?? placeByNames)(input.mission, input.location)
  if ('problems' in placed) problems.push(...placed.problems)
  if (problems.length > 0 || !main || 'problems' in placed) return { problems }

  const codes = secondary.map((r) => r!.code).filter((c, i, all) => c !== main.code && all.indexOf(c) === i)
  return {
    report: {
      ...input,
      occurredAt: new Date(occurred).toISOString(),
      reportedAt: reported === null ? null : new Date(reported).toISOString(),
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
