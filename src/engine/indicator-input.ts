import { placeOf, reportCodes, type Report } from '../reports/report.js'
import { evaluatedView } from '../reports/report-view.js'
import type { AlertState } from '../alerts/alert.js'
import type { CompiledIndicator } from '../rules/compile-indicator.js'
import type { IndicatorInputRow } from './window-types.js'
import { SHORTHAND_PATHS, readPath } from '../rules/facts.js'
import { isUnder, topOf } from '../taxonomy/taxonomy.js'
import type { ResolvedPlace } from '../reports/report-place.js'

/**
 * Something an indicator evaluates: a report, or (for escalation indicators) an alert. Each
 * knows the fact the conditions read, its group values, and the row it stores per indicator.
 */
export interface IndicatorInput {
  kind: 'reports' | 'alerts'
  id: string
  mission: string
  codes: string[]
  /** The object the `report` / `alert` fact holds. */
  view: object
  occurredAt: number
  location: { lat: number; lon: number } | null
  /** Where it is, as far as known: a report's resolved place, an alert's scope. */
  place: Pick<ResolvedPlace, 'admin1' | 'admin1Pcode' | 'admin2' | 'admin2Pcode' | 'site' | 'siteId' | 'route'>
  /**
   * The indicators an alert derives from (its own, and those of the alerts it counted, up the
   * chain); none for a report. An indicator never takes an input whose lineage holds it.
   * Read only for an input an indicator matched (following the chain costs queries).
   */
  lineage(): readonly string[]
  group(field: string): string | null
  row(ind: CompiledIndicator): IndicatorInputRow
}

const sum = (value: unknown, paths: string[]) => paths.reduce((n, p) => n + (Number(readPath(value, p)) || 0), 0)

function storedVals(view: object, paths: readonly string[]): Record<string, unknown> | null {
  if (paths.length === 0) return null
  return Object.fromEntries(paths.map((p) => [p, readPath(view, p) ?? null]))
}

/** The first of the input's codes the indicator watches: what its `category` filters see. */
function watchedCode(codes: string[], ind: CompiledIndicator): string {
  return codes.find((c) => ind.codes.some((t) => isUnder(c, t))) ?? codes[0]!
}

export function reportInput(report: Report): IndicatorInput {
  const codes = reportCodes(report)
  const loc = placeOf(report)
  const view = evaluatedView(report)
  // The same for every indicator that takes the report: summed once, when the first one does.
  const casualties = once(() => ({
    unKilled: sum(report, SHORTHAND_PATHS.unKilled!),
    unInjured: sum(report, SHORTHAND_PATHS.unInjured!),
    unAbducted: sum(report, SHORTHAND_PATHS.unAbducted!),
    civiliansKilled: sum(report, SHORTHAND_PATHS.civiliansKilled!),
  }))
  const groups: Record<string, string | undefined> = {
    admin1: loc.admin1, admin2: loc.admin2, route: loc.route, site: loc.site,
    category: report.category, topCategory: topOf(report.category), report: report.id,
  }
  return {
    kind: 'reports',
    id: report.id,
    mission: report.mission,
    codes,
    view,
    occurredAt: Date.parse(report.occurredAt),
    location: loc.lat !== null && loc.lon !== null ? { lat: loc.lat, lon: loc.lon } : null,
    place: loc,
    lineage: () => [],
    group: (field) => groups[field] ?? null,
    row: (ind) => {
      const category = watchedCode(codes, ind)
      const sums = casualties()
      return {
        indicatorId: ind.rule.id,
        inputId: report.id,
        mission: report.mission,
        category,
        topCategory: topOf(category),
        occurredAt: Date.parse(report.occurredAt),
        lat: loc.lat,
        lon: loc.lon,
        admin1: loc.admin1 ?? null,
        admin2: loc.admin2 ?? null,
        admin1Pcode: loc.admin1Pcode ?? null,
        admin2Pcode: loc.admin2Pcode ?? null,
        route: loc.route ?? null,
        site: loc.site ?? null,
        source: report.source.sourceId ?? 'unattributed',
        reliability: report.source.reliability,
        credibility: report.source.credibility,
        // Admiralty E (reliability cannot be judged) and 5 (improbable) do not count by default.
        assessed: report.source.reliability !== 'E' && report.source.credibility !== 5,
        unKilled: sums.unKilled,
        unInjured: sums.unInjured,
        unAbducted: sums.unAbducted,
        civiliansKilled: sums.civiliansKilled,
        vals: storedVals(view, ind.storedPaths),
      }
    },
  }
}

function once<T>(fn: () => T): () => T {
  let done = false
  let value: T
  return () => {
    if (!done) [value, done] = [fn(), true]
    return value
  }
}

const CONFIDENCE_GRADES = { high: ['B', 2], medium: ['C', 3], low: ['D', 4] } as const

/** What an escalation indicator sees of an alert. */
export function alertView(a: AlertState) {
  return {
    id: a.id, indicatorId: a.indicatorId, level: a.level, grade: a.grade, status: a.status,
    confidence: a.confidence, taxonomy: a.taxonomy, topCategory: a.topCategory, mission: a.mission,
    admin1: a.scope.admin1, admin2: a.scope.admin2, admin1Pcode: a.scope.admin1Pcode, admin2Pcode: a.scope.admin2Pcode,
    route: a.scope.route, site: a.scope.site, count: a.count, trend: a.trend, facts: a.facts,
  }
}

/** An alert as an input; its lineage defaults to its own indicator alone (alert-lineage.ts gives the chain). */
export function alertInput(a: AlertState, lineage: () => readonly string[] = () => [a.indicatorId]): IndicatorInput {
  const view = alertView(a)
  const id = `alert:${a.id}`
  const where = a.scope.centroid ?? a.scope.center ?? null
  const groups: Record<string, string | undefined> = {
    admin1: a.scope.admin1, admin2: a.scope.admin2, route: a.scope.route, site: a.scope.site,
    category: a.taxonomy[0], topCategory: a.topCategory, report: id,
  }
  const [reliability, credibility] = CONFIDENCE_GRADES[a.confidence]
  // The alert's own top category first: what escalation indicators group and filter it by.
  const codes = [a.topCategory, ...a.taxonomy.filter((c) => c !== a.topCategory)]
  return {
    kind: 'alerts',
    id,
    mission: a.mission,
    codes,
    view,
    occurredAt: a.lastSeen,
    location: where,
    place: a.scope,
    lineage: once(lineage),
    group: (field) => groups[field] ?? null,
    row: (ind) => {
      const category = watchedCode(codes, ind)
      return {
        indicatorId: ind.rule.id,
        inputId: id,
        mission: a.mission,
        category,
        topCategory: topOf(category),
        occurredAt: a.lastSeen,
        lat: where?.lat ?? null,
        lon: where?.lon ?? null,
        admin1: a.scope.admin1 ?? null,
        admin2: a.scope.admin2 ?? null,
        admin1Pcode: a.scope.admin1Pcode ?? null,
        admin2Pcode: a.scope.admin2Pcode ?? null,
        route: a.scope.route ?? null,
        site: a.scope.site ?? null,
        source: `indicator:${a.indicatorId}`,
        reliability,
        credibility,
        assessed: true,
        unKilled: a.facts.unKilled ?? 0,
        unInjured: a.facts.unInjured ?? 0,
        unAbducted: a.facts.unAbducted ?? 0,
        civiliansKilled: a.facts.civiliansKilled ?? 0,
        vals: storedVals(view, ind.storedPaths),
      }
    },
  }
}
