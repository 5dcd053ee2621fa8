import { DEFAULT_MISSIONS } from '../config.js'
import { reportInputSchema } from '../reports/report-schema.js'
import { classifyReport, type Report } from '../reports/report.js'
import { zodProblems } from '../ingest/ingest.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { Placer } from '../reports/report-place.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'
import { replay } from './replay.js'
import type { LoadedRule } from '../rules/rule-loader.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { RuleTest } from '../rules/rule-schema.js'

/** An alert reduced to what a rule test compares. */
export interface AlertOutcome {
  indicator: string
  level: string
  grade: string
  status: string
  count?: number
  responsible?: string
  acknowledgeWithin?: string
}

export interface RuleTestResult {
  ruleId: string
  file: string
  name: string
  ok: boolean
  expected: AlertOutcome[]
  actual: AlertOutcome[]
  error?: string
}

/** Where test reports are placed when they give no location: Gao, Mali. */
const DEFAULT_LOCATION = { lat: 16.2667, lon: -0.0447, precision: 'exact' }

/** Fills what a test report leaves out, so a rule test only states what matters to it. */
export function withTestDefaults(partial: Record<string, unknown>, n: number): Record<string, unknown> {
  const location = partial.location && typeof partial.location === 'object' ? partial.location : {}
  return {
    id: `TEST-${String(n).padStart(4, '0')}`,
    mission: 'MINUSMA',
    source: { reliability: 'B', credibility: 2 },
    ...partial,
    location: { ...DEFAULT_LOCATION, ...location },
  }
}

/** A test's reports, validated and classified as the service would; throws naming the first bad one. */
function testReports(test: RuleTest, taxonomy: Taxonomy, place?: Placer): Report[] {
  return test.reports.map((r, i) => {
    const parsed = reportInputSchema.safeParse(withTestDefaults(r, i + 1))
    if (!parsed.success) {
      const p = zodProblems(parsed.error).map((x) => `${x.path}: ${x.message}`).join('; ')
      throw new Error(`report ${i + 1} is not a valid report: ${p}`)
    }
    // Test reports describe the past of whatever `now` the test picks: no "in the future" check.
    const out = classifyReport(parsed.data, { taxonomy, missions: DEFAULT_MISSIONS, now: Number.MAX_SAFE_INTEGER, ...(place ? { place } : {}) })
    if ('problems' in out) throw new Error(`report ${i + 1} is not a valid report: ${out.problems.map((x) => `${x.path}: ${x.message}`).join('; ')}`)
    return out.report
  })
}

/** Matches two alert lists as multisets; a test passes when nothing is left on either side. */
export function sameOutcomes(expected: AlertOutcome[], actual: AlertOutcome[]): boolean {
  const left = [...actual]
  for (const e of expected) {
    const i = left.findIndex((a) => a.indicator === e.indicator && a.level === e.level && a.grade === e.grade
      && a.status === e.status && (e.count === undefined || a.count === e.count)
      && (e.responsible === undefined || a.responsible === e.responsible)
      && (e.acknowledgeWithin === undefined || a.acknowledgeWithin === e.acknowledgeWithin))
    if (i < 0) return false
    left.splice(i, 1)
  }
  return left.length === 0
}

/**
 * Runs one rule test through the real engine (replay.ts): the reports in occurredAt order, the
 * clock at each report's time (as if live), then at `now` (default: the last report) for expiry.
 */
async function runOne(set: RuleSet, rule: LoadedRule, test: RuleTest, taxonomy: Taxonomy, place?: Placer, gazetteers?: GazetteerSet): Promise<RuleTestResult> {
  const expected: AlertOutcome[] = test.expect.map((e) => ({
    indicator: e.indicator ?? rule.rule.id, level: e.level, grade: e.grade, status: e.status, ...(e.count !== undefined ? { count: e.count } : {}),
    ...(e.responsible !== undefined ? { responsible: e.responsible } : {}),
    ...(e.acknowledgeWithin !== undefined ? { acknowledgeWithin: e.acknowledgeWithin } : {}),
  }))
  const compared = new Set([rule.rule.id, ...expected.map((e) => e.indicator)])
  const asksResponse = expected.some((e) => e.responsible !== undefined || e.acknowledgeWithin !== undefined)
  const result = { ruleId: rule.rule.id, file: rule.file, name: test.name, expected, actual: [] as AlertOutcome[] }
  try {
    const out = await replay({
      reports: testReports(test, taxonomy, place), set, taxonomy, missions: DEFAULT_MISSIONS,
      ...(test.now ? { until: Date.parse(test.now) } : {}), ...(gazetteers ? { gazetteers } : {}),
    })
    if (out.rejected.length > 0) throw new Error(out.rejected.map((r) => `report ${r.id}: ${r.message}`).join('; '))
    result.actual = out.alerts
      .filter((a) => compared.has(a.indicatorId))
      .map((a) => ({
        indicator: a.indicatorId, level: a.level, grade: a.grade, status: a.status, count: a.count,
        // Compared (and shown) only when the test asks, so other tests' failures read as before.
        ...(asksResponse && a.response ? { responsible: a.response.responsible, acknowledgeWithin: a.response.acknowledgeWithin } : {}),
      }))
    return { ...result, ok: sameOutcomes(expected, result.actual) }
  } catch (err) {
    return { ...result, ok: false, error: (err as Error).message }
  }
}

/**
 * Runs the tests of the selected rules, each against the whole rule set (escalations need it),
 * their reports placed with `place` (the service's gazetteers) as the service would place them.
 */
export async function runRuleTests(set: RuleSet, rules: readonly LoadedRule[], taxonomy: Taxonomy, place?: Placer, gazetteers?: GazetteerSet): Promise<RuleTestResult[]> {
  const results: RuleTestResult[] = []
  for (const rule of rules) {
    for (const test of rule.rule.tests) results.push(await runOne(set, rule, test, taxonomy, place, gazetteers))
  }
  return results
}
