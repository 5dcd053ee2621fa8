import type { Clock } from '../clock.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { ReportsRepo } from '../storage/reports-repo.js'
import type { AlertState } from '../alerts/alert.js'
import { GRADES, LEVELS, rank, type Grade, type Level } from '../alerts/levels.js'
import { presentAlert } from '../alerts/present-alert.js'
import { errors, type Problem } from '../errors.js'
import { checkDraftRule } from '../rules/rule-draft.js'
import { ruleSetVersion, type LoadedRule, type RuleProblem } from '../rules/rule-loader.js'
import { buildRuleSet, type RuleSet } from '../rules/rule-set.js'
import { replay } from './replay.js'

export interface PreviewRequest {
  /** The draft rule: YAML or JSON text, or the rule as an object. */
  rule: string | object
  from: number
  to: number
  mission?: string
}

export interface PreviewDeps {
  /** The live rule set and the ids deprecated rules still hold. */
  live: () => RuleSet
  deprecatedIds: () => Map<string, string>
  /** Reports on the reader connection: the preview only ever reads the real database. */
  reports: Pick<ReportsRepo, 'activeInRange'>
  taxonomy: Taxonomy
  missions: readonly string[]
  clock: Clock
  /** The live gazetteers: facts over bordering areas read them. */
  gazetteers?: () => GazetteerSet
}

/** A draft's problems as API problems: the field path inside the request, the place in the text. */
export function draftProblems(problems: RuleProblem[]): Problem[] {
  return problems.map((p) => ({
    path: p.path ? `rule.${p.path}` : 'rule',
    message: p.message,
    detail: { line: p.line, column: p.column },
  }))
}

/** How many alerts at each level and grade: what HQ compares between two thresholds. */
export function countAlerts(alerts: readonly AlertState[]) {
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>
  const byGrade = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>
  const pairs = new Map<string, { level: Level; grade: Grade; count: number }>()
  for (const a of alerts) {
    byLevel[a.level]++
    byGrade[a.grade]++
    const key = `${a.level} ${a.grade}`
    const pair = pairs.get(key) ?? { level: a.level, grade: a.grade, count: 0 }
    pair.count++
    pairs.set(key, pair)
  }
  const byLevelAndGrade = [...pairs.values()].sort((x, y) => rank(y.level, y.grade) - rank(x.level, x.grade))
  return { total: alerts.length, byLevel, byGrade, byLevelAndGrade }
}

/** The live set with the draft in place of the live rule of its id (or beside the others). */
function setWithDraft(live: RuleSet, draft: LoadedRule, at: number): RuleSet {
  const rules = [...live.rules.filter((r) => r.rule.id !== draft.rule.id), draft]
  return buildRuleSet(rules, `draft-${ruleSetVersion(rules)}`, at)
}

/**
 * Runs a draft rule against the stored reports of a range, read-only: the range's active
 * reports are replayed through the real engine, in memory, with the live set plus
 * the draft, and the draft's alerts come back with their explanations and counts per level and
 * grade. Nothing is written to the service's database.
 */
export async function previewRule(deps: PreviewDeps, req: PreviewRequest) {
  const live = deps.live()
  const checked = checkDraftRule(req.rule, live.rules, deps.taxonomy, deps.deprecatedIds())
  if ('problems' in checked) throw errors.RULE_INVALID(draftProblems(checked.problems))
  const draft = checked.rule
  const now = deps.clock()
  const set = setWithDraft(live, draft, now)
  const out = await replay({
    reports: deps.reports.activeInRange({ from: req.from, to: req.to, ...(req.mission ? { mission: req.mission } : {}) }),
    set,
    taxonomy: deps.taxonomy,
    missions: deps.missions,
    // The alerts as they stood at the end of the range (or now, for a range reaching the future).
    until: Math.min(req.to, now),
    ...(deps.gazetteers ? { gazetteers: deps.gazetteers() } : {}),
  })
  const alerts = out.alerts.filter((a) => a.indicatorId === draft.rule.id)
  return {
    rule: { id: draft.rule.id, version: draft.rule.version, title: draft.rule.title, replacesLive: live.byId(draft.rule.id) !== undefined },
    range: { from: new Date(req.from).toISOString(), to: new Date(req.to).toISOString(), mission: req.mission ?? null },
    ruleSetVersion: set.version,
    reports: { replayed: out.replayed, rejected: out.rejected },
    counts: countAlerts(alerts),
    alerts: alerts.map((a) => presentAlert(a, out.inputs.get(a.id))),
  }
}
