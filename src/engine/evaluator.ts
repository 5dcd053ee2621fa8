import type { Report } from '../reports/report.js'
import type { AreaRef } from '../reports/report-place.js'
import { isActive, type AlertScope, type AlertState } from '../alerts/alert.js'
import { confidenceOf, trendOf } from '../alerts/grading.js'
import { alertSentence, type CategoryLabel } from '../alerts/alert-sentence.js'
import type { CompiledIndicator, GradeOutcome } from '../rules/compile-indicator.js'
import { factKey } from '../rules/facts.js'
import { topOf } from '../taxonomy/taxonomy.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { AlertChange, AlertChangeSummary } from './alert-change.js'
import type { AlertStore, InputStore } from './engine-stores.js'
import type { AggregateQuery } from './window-types.js'
import type { AlertWriter, Pass } from './alert-writer.js'
import { alertInput, reportInput, type IndicatorInput } from './indicator-input.js'
import { lineageOf } from './alert-lineage.js'
import { neighbourAreasWithEvents, type Neighbours } from './neighbour-fact.js'
import { alertExpiry } from '../alerts/alert-life.js'
import { jsonEqual } from './json-equal.js'
import { sameData } from './same-data.js'

export interface EvaluatorDeps {
  inputs: InputStore
  alerts: AlertStore
  writer: AlertWriter
  /** The live rule set, read once per evaluation so a reload never splits one. */
  rules: () => RuleSet
  /** The taxonomy's labels, for sentences that name a category (the core never loads the taxonomy itself). */
  categoryLabel?: CategoryLabel
  /** Bordering admin1 areas, from the gazetteers (the `neighbourAreasWithEvents` fact); none without. */
  neighbours?: Neighbours
}

/** Rule id prefixes that are taxonomy top categories (escalation rules use ESC). */
const TAXONOMY_TOPS = new Set(['HOS', 'POC', 'ARM', 'COM', 'CRM', 'UNR', 'SAF', 'HLT'])

/** The fact names an indicator's trend measures write, named once per indicator rather than per evaluation. */
const trendFactNames = new WeakMap<CompiledIndicator, { measure: string; trend: string; baseline: string }[]>()

function trendFacts(ind: CompiledIndicator) {
  let names = trendFactNames.get(ind)
  if (!names) {
    names = ind.trendMeasures.map((m) => {
      const params = m === 'count' ? {} : { measure: m }
      return { measure: m, trend: factKey('trend', params), baseline: factKey('baseline', params) }
    })
    trendFactNames.set(ind, names)
  }
  return names
}

/** Escalation indicators feed on alerts, which may feed further ones; this bounds the chain. */
const MAX_CASCADE_DEPTH = 4

/** What a reader of an alert sees: a change that alters none of it is not written. */
function visiblyChanged(a: AlertState, b: AlertState): boolean {
  // Field by field, cheap scalars first; the same verdict as comparing their JSON text.
  return !(jsonEqual(a.level, b.level) && jsonEqual(a.grade, b.grade) && jsonEqual(a.status, b.status)
    && jsonEqual(a.confidence, b.confidence) && jsonEqual(a.trend, b.trend) && jsonEqual(a.count, b.count)
    && jsonEqual(a.firstSeen, b.firstSeen) && jsonEqual(a.lastSeen, b.lastSeen) && jsonEqual(a.expiresAt, b.expiresAt)
    && jsonEqual(a.ruleSetVersion, b.ruleSetVersion) && jsonEqual(a.indicatorVersion, b.indicatorVersion)
    && jsonEqual(a.summary, b.summary) && jsonEqual(a.facts, b.facts) && jsonEqual(a.scope, b.scope)
    && jsonEqual(a.explanation, b.explanation))
}

/**
 * The alert's own scope when the recomputed one reads the same: most updates move no area, and a
 * replay keeps the scope with every change record, so an unchanged one is shared, not copied.
 */
function keptScope(own: AlertScope | undefined, fresh: AlertScope): AlertScope {
  return own !== undefined && sameData(own, fresh) ? own : fresh
}

export function summarize(c: AlertChange): AlertChangeSummary {
  return { alertId: c.alertId, seq: c.seq, kind: c.kind, indicatorId: c.alert.indicatorId, level: c.alert.level, grade: c.alert.grade, status: c.alert.status }
}

/**
 * Evaluates inputs against the indicators and keeps alerts up to date: raise, update, escalate,
 * expire, withdraw. Every method runs inside the caller's write transaction.
 */
export function createEvaluator(deps: EvaluatorDeps) {
  const { inputs, alerts, writer } = deps

  /** The aggregate query for an indicator over a scope, at a point in time. */
  function query(ind: CompiledIndicator, scope: AlertScope, anchor: number): AggregateQuery & { keepMs: number } {
    return {
      indicatorId: ind.rule.id,
      scope: {
        mission: scope.mission,
        eq: scope.groupBy,
        ...(scope.center && scope.radiusKm !== undefined ? { circle: { ...scope.center, km: scope.radiusKm } } : {}),
      },
      anchor,
      windowMs: ind.windowMs,
      trendPeriods: ind.trendPeriods,
      trendMeasures: ind.trendMeasures,
      includeUnassessed: ind.rule.includeUnassessed,
      mitigatingCodes: ind.mitigatingCodes,
      specs: ind.needs,
      lookbackMs: ind.lookbackMs,
      // How far back an active alert of it can still be reassessed from (memory-only window state keeps that).
      keepMs: ind.lookbackMs + ind.expiresMs,
    }
  }

  /**
   * The scope with its place hierarchy derived from the inputs it counts: admin1 and admin2 where
   * most of them lie (the group's own values when grouped by them), and every area they touch.
   */
  function placed(scope: AlertScope, q: AggregateQuery): AlertScope {
    const found = inputs.areas(q)
    const { admin1: _1, admin1Pcode: _1p, admin2: _2, admin2Pcode: _2p, areas: _a, ...rest } = scope
    const out: AlertScope = rest
    const main = found.find((a) => (scope.groupBy.admin1 === undefined || a.admin1 === scope.groupBy.admin1)
      && (scope.groupBy.admin2 === undefined || a.admin2 === scope.groupBy.admin2))
    const admin1 = scope.groupBy.admin1 ?? main?.admin1 ?? null
    const admin2 = scope.groupBy.admin2 ?? main?.admin2 ?? null
    if (admin1 !== null) out.admin1 = admin1
    if (main?.admin1Pcode && main.admin1 === admin1) out.admin1Pcode = main.admin1Pcode
    if (admin2 !== null) out.admin2 = admin2
    if (main?.admin2Pcode && main.admin2 === admin2) out.admin2Pcode = main.admin2Pcode
    // Each area once, by level and name, in the order first met (no key strings built per call).
    const areas: AreaRef[] = []
    const seen1 = new Set<string>()
    const seen2 = new Set<string>()
    const add = (level: 1 | 2, name: string | null, pcode: string | null) => {
      const seen = level === 1 ? seen1 : seen2
      if (name === null || seen.has(name)) return
      seen.add(name)
      areas.push(pcode ? { level, name, pcode } : { level, name })
    }
    add(1, out.admin1 ?? null, out.admin1Pcode ?? null)
    add(2, out.admin2 ?? null, out.admin2Pcode ?? null)
    for (const a of found) {
      add(1, a.admin1, a.admin1Pcode)
      add(2, a.admin2, a.admin2Pcode)
    }
    if (areas.length > 0) out.areas = areas
    return out
  }

  /** Aggregates plus the derived facts (trend, confidence) for one scope. */
  function measure(ind: CompiledIndicator, scope: AlertScope, anchor: number) {
    const q = query(ind, scope, anchor)
    const agg = inputs.aggregate(q)
    const facts: Record<string, number | null> = { ...agg.values }
    for (const t of trendFacts(ind)) {
      const baseline = agg.baselines[t.measure] ?? 0
      // No history before this window: a new situation, not a ratio (rules test `baseline` for it).
      facts[t.trend] = baseline > 0 ? trendOf(agg.values[t.measure] ?? 0, baseline) : null
      facts[t.baseline] = Math.round(baseline * 100) / 100
    }
    if (ind.usesNeighbours) facts.neighbourAreasWithEvents = neighbourAreasWithEvents(inputs, q, deps.neighbours ?? (() => []))
    const confidence = confidenceOf({ ...agg, independentSources: agg.values.independentSources ?? 0 })
    return { q, agg, facts, confidence, trend: facts.trend ?? null }
  }

  /** The scope an input falls in for an indicator, or null when it lacks a group field. */
  function scopeOf(ind: CompiledIndicator, input: IndicatorInput): AlertScope | null {
    const groupBy: Record<string, string> = {}
    for (const field of ind.rule.scope.groupBy) {
      const v = input.group(field)
      if (v === null) return null
      groupBy[field] = v
    }
    const scope: AlertScope = { mission: input.mission, groupBy }
    // The site and route an alert names: its group's; an incident or a circle names its input's.
    const placeAll = ind.rule.scope.groupBy.includes('report') || ind.rule.scope.radiusKm !== undefined
    if (input.place.site !== undefined && (placeAll || 'site' in groupBy)) {
      scope.site = input.place.site
      if (input.place.siteId !== undefined) scope.siteId = input.place.siteId
    }
    if (input.place.route !== undefined && (placeAll || 'route' in groupBy)) scope.route = input.place.route
    if (ind.rule.scope.radiusKm !== undefined) {
      if (!input.location) return null
      scope.radiusKm = ind.rule.scope.radiusKm
      scope.center = input.location
    }
    return scope
  }

  /**
   * An alert's family (its inhibition family and category in summaries): the group's top
   * category when it is grouped by one, else the indicator's own category (its id prefix, which
   * is its folder), else (escalation indicators) the category of the input that raised it.
   */
  function familyOf(ind: CompiledIndicator, scope: AlertScope, inputTop: string): string {
    const grouped = scope.groupBy.topCategory ?? (scope.groupBy.category ? topOf(scope.groupBy.category) : undefined)
    if (grouped) return grouped
    const prefix = ind.rule.id.slice(0, 3)
    return TAXONOMY_TOPS.has(prefix) ? prefix : inputTop
  }

  function identityOf(ind: CompiledIndicator, scope: AlertScope): string {
    const groups = Object.keys(scope.groupBy).sort().map((k) => `${k}=${scope.groupBy[k]}`)
    const base = [ind.rule.id, scope.mission, ...groups].join('|')
    return scope.center && scope.radiusKm !== undefined ? `${base}|near=${scope.center.lat.toFixed(3)},${scope.center.lon.toFixed(3)}` : base
  }

  /** What each sentence was written from, by its facts object (which an alert keeps until its next update). */
  const written = new WeakMap<object, { ind: CompiledIndicator; scope: AlertScope; summary: string }>()

  function sentence(ind: CompiledIndicator, scope: AlertScope, facts: Record<string, number | null>) {
    const summary = alertSentence({ template: ind.rule.summary, title: ind.rule.title, window: ind.rule.window, scope, facts, ...(deps.categoryLabel ? { categoryLabel: deps.categoryLabel } : {}) })
    written.set(facts, { ind, scope, summary })
    return summary
  }

  /**
   * The sentence of an alert's update: the one it has when the same indicator wrote it from the
   * same facts and scope (most updates of a busy alert change neither), else written anew.
   */
  function sentenceOf(alert: AlertState | null, ind: CompiledIndicator, scope: AlertScope, facts: Record<string, number | null>) {
    const last = alert ? written.get(alert.facts) : undefined
    if (!alert || !last || last.ind !== ind || last.summary !== alert.summary || !sameData(alert.facts, facts) || !sameData(last.scope, scope)) return sentence(ind, scope, facts)
    written.set(facts, last)
    return last.summary
  }

  /** Evaluates one indicator for the scope a new input falls in: raise, update or escalate. */
  function evaluateScope(pass: Pass, ind: CompiledIndicator, input: IndicatorInput, topCategory: string, cause: string) {
    const fresh = scopeOf(ind, input)
    if (!fresh) return
    const identity = identityOf(ind, fresh)
    const existing = fresh.center
      ? alerts.activeNear(ind.rule.id, fresh.mission, identity.slice(0, identity.lastIndexOf('|near=') + 1), fresh.center.lat, fresh.center.lon, fresh.radiusKm!)
      : alerts.activeByIdentity(identity)
    // An existing radius alert keeps its own centre, so its area never drifts.
    const scope = existing ? { ...fresh, center: existing.scope.center, groupBy: existing.scope.groupBy } : fresh
    const m = measure(ind, scope, pass.now)
    if (m.agg.lastSeen === null) return
    const outcome = ind.grade(m.facts, input.view, pass.now)
    // No alert and no threshold: nothing to raise, so no place or sentence to work out (most
    // evaluations of a quiet indicator end here).
    if (!existing && !outcome) return
    const fullScope = keptScope(existing?.scope, { ...placed(scope, m.q), ...(m.agg.centroid ? { centroid: m.agg.centroid } : {}) })
    const base = {
      confidence: m.confidence, trend: m.trend, facts: m.facts, count: m.facts.count ?? 0,
      firstSeen: m.agg.firstSeen!, lastSeen: m.agg.lastSeen, anchorAt: pass.now, updatedAt: pass.now,
      expiresAt: alertExpiry(m.agg.lastSeen, existing?.raisedAt ?? pass.now, ind), scope: fullScope, summary: sentenceOf(existing, ind, fullScope, m.facts),
      ruleSetVersion: pass.set.version, indicatorVersion: ind.rule.version,
    }
    if (!existing) {
      // A situation whose last input is older than the expiry was over before it was reported.
      if (!outcome || base.expiresAt <= pass.now) return
      raise(pass, ind, identity, outcome, { ...base, topCategory: familyOf(ind, fresh, topCategory) }, inputs.inputIds(m.q), cause, input.id)
      return
    }
    pass.touched.add(existing.id)
    // Only a change to the inputs it already counted (a revision) may lower it; a new input never
    // does (an alert does not decay as its window slides: it expires).
    const mayLower = pass.revised.has(existing.id)
    if (!outcome && mayLower) {
      withdraw(pass, existing, m, ind, cause)
      return
    }
    const rank = outcome && (outcome.rank > existing.rank || mayLower) ? outcome.rank : existing.rank
    const escalates = rank > existing.rank
    const next: AlertState = {
      ...existing,
      ...base,
      // The explanation and grade of the threshold that holds now, with today's values.
      ...(outcome && outcome.rank === rank ? { level: outcome.threshold.level, grade: outcome.threshold.grade, rank, explanation: outcome.explanation } : {}),
      // An escalation re-opens an acknowledged alert: an acknowledgement never hides a worse situation.
      ...(escalates && existing.status === 'acknowledged' ? { status: 'open' as const, statusReason: 'escalated after acknowledgement' } : {}),
    }
    // The inputs counted before were linked when they arrived (or at the raise): only this one is new.
    const linked = inputs.counts(m.q, input.id) ? [input.id] : []
    // A change a reader cannot see (a report older than every window) is not a change.
    if (linked.length === 0 && !visiblyChanged(existing, next)) return
    const kind = escalates ? 'escalated' : rank < existing.rank ? 'downgraded' : 'updated'
    const saved = writer.save(pass, next, kind, cause, [input.id], { linked })
    cascade(pass, saved)
  }

  function raise(pass: Pass, ind: CompiledIndicator, identity: string, outcome: GradeOutcome,
    base: Omit<AlertState, 'id' | 'identity' | 'indicatorId' | 'mission' | 'taxonomy' | 'level' | 'grade' | 'rank' | 'status' | 'statusReason' | 'explanation' | 'windowMs' | 'raisedAt' | 'seq' | 'silenced' | 'inhibited' | 'acknowledgedBy' | 'acknowledgedAt' | 'resolvedBy' | 'resolvedAt'>,
    linked: string[], cause: string, inputId: string) {
    const fresh: AlertState = {
      ...base,
      id: 0,
      identity,
      indicatorId: ind.rule.id,
      mission: base.scope.mission,
      taxonomy: [...ind.codes],
      level: outcome.threshold.level,
      grade: outcome.threshold.grade,
      rank: outcome.rank,
      status: 'open',
      statusReason: null,
      explanation: outcome.explanation,
      windowMs: ind.windowMs,
      raisedAt: pass.now,
      seq: 0,
      silenced: false,
      inhibited: false,
      acknowledgedBy: null, acknowledgedAt: null, resolvedBy: null, resolvedAt: null,
    }
    const saved = writer.save(pass, fresh, 'raised', cause, [inputId], { linked })
    cascade(pass, saved)
  }

  /**
   * Re-evaluates an alert after one of its inputs went away (retraction, revision, withdrawal),
   * at the time its facts were last computed. No threshold left: withdrawn, with the reason.
   * A lower threshold left: downgraded, recorded as such (never silently).
   */
  function reassess(pass: Pass, alert: AlertState, cause: string) {
    const ind = pass.set.byId(alert.indicatorId)
    if (!ind || !isActive(alert.status)) return
    const m = measure(ind, alert.scope, alert.anchorAt)
    const outcome = m.agg.lastSeen === null ? null : ind.grade(m.facts, {}, alert.anchorAt)
    if (!outcome) {
      withdraw(pass, alert, m, ind, cause)
      return
    }
    const down = outcome.rank < alert.rank
    const scope = keptScope(alert.scope, { ...placed(alert.scope, m.q), ...(m.agg.centroid ? { centroid: m.agg.centroid } : {}) })
    const next: AlertState = {
      ...alert,
      scope,
      confidence: m.confidence, trend: m.trend, facts: m.facts, count: m.facts.count ?? 0,
      firstSeen: m.agg.firstSeen!, lastSeen: m.agg.lastSeen!, expiresAt: alertExpiry(m.agg.lastSeen!, alert.raisedAt, ind), updatedAt: pass.now,
      summary: sentenceOf(alert, ind, scope, m.facts),
      // The threshold that holds now, with its values: lower (recorded as a downgrade) or the same.
      ...(outcome.rank <= alert.rank ? { level: outcome.threshold.level, grade: outcome.threshold.grade, rank: outcome.rank, explanation: outcome.explanation } : {}),
    }
    if (!down && !visiblyChanged(alert, next)) return
    const saved = writer.save(pass, next, down ? 'downgraded' : 'updated', cause, [])
    cascade(pass, saved)
  }

  /** No threshold holds any more: withdrawn, with the reason, its facts and sentence as they stand. */
  function withdraw(pass: Pass, alert: AlertState, m: ReturnType<typeof measure>, ind: CompiledIndicator, cause: string) {
    const scope: AlertScope = m.agg.lastSeen === null ? alert.scope : { ...placed(alert.scope, m.q), ...(m.agg.centroid ? { centroid: m.agg.centroid } : {}) }
    const withdrawn: AlertState = {
      ...alert, scope, status: 'withdrawn', updatedAt: pass.now, facts: m.facts, count: m.facts.count ?? 0, trend: m.trend,
      summary: sentence(ind, scope, m.facts),
      statusReason: `${cause}; the ${m.facts.count ?? 0} remaining input(s) meet no threshold`,
    }
    writer.save(pass, withdrawn, 'withdrawn', cause, [])
    inputGone(pass, `alert:${alert.id}`, `alert ${alert.id} withdrawn`)
  }

  /** An input no longer exists: forget it and reassess every alert it supported. */
  function inputGone(pass: Pass, inputId: string, cause: string) {
    const supported = alerts.unlink(inputId)
    inputs.remove(inputId)
    for (const a of supported) {
      if (!pass.touched.has(a.id)) reassess(pass, alerts.get(a.id)!, cause)
    }
  }

  /** Feeds a new or changed alert to the escalation indicators that watch it. */
  function cascade(pass: Pass, alert: AlertState) {
    if (pass.depth >= MAX_CASCADE_DEPTH) return
    pass.depth++
    try {
      inputArrived(pass, alertInput(alert, () => lineageOf(alerts, alert)), `alert ${alert.id} (${alert.indicatorId}) ${alert.level} ${alert.grade}`)
    } finally {
      pass.depth--
    }
  }

  /** The indicators watching an input's kind and codes, per rule set: the same few code lists come back with every report. */
  const watchers = new WeakMap<RuleSet, Map<string, CompiledIndicator[]>>()

  function watching(set: RuleSet, kind: IndicatorInput['kind'], codes: readonly string[]): CompiledIndicator[] {
    let bySet = watchers.get(set)
    if (!bySet) watchers.set(set, bySet = new Map())
    const key = `${kind}\u0000${codes.join('\u0000')}`
    let found = bySet.get(key)
    if (!found) bySet.set(key, found = set.watching(kind, codes))
    return found
  }

  /** A new input: store it for every indicator that matches it, then evaluate each one's scope. */
  function inputArrived(pass: Pass, input: IndicatorInput, cause: string) {
    for (const ind of watching(pass.set, input.kind, input.codes)) {
      if (!ind.matches(input.view, pass.now)) continue
      if (input.lineage().includes(ind.rule.id)) continue
      const row = input.row(ind)
      inputs.upsert(row)
      evaluateScope(pass, ind, input, row.topCategory, cause)
    }
  }

  const newPass = (now: number): Pass => writer.newPass(deps.rules(), now)

  const evaluator = {
    reportChanged({ before, after, reportId }: { before: Report | null; after: Report | null; reportId: string }, now: number) {
      const pass = newPass(now)
      writer.expireDue(pass)
      const supported = before ? alerts.unlink(reportId) : []
      // The alerts the old version counted: the new version may lower them, not only raise.
      for (const a of supported) pass.revised.add(a.id)
      if (before) inputs.remove(reportId)
      if (after) inputArrived(pass, reportInput(after), `report ${reportId}${before ? ' revised' : ''}`)
      for (const a of supported) {
        if (!pass.touched.has(a.id)) reassess(pass, alerts.get(a.id)!, `report ${reportId} ${after ? 'revised' : 'retracted'}`)
      }
      writer.settle(pass)
      return pass.changes.map(summarize)
    },

    /** Runs the expiry sweep on its own (the service's timer, a replay's clock). */
    expire(now: number) {
      const pass = newPass(now)
      writer.expireDue(pass)
      writer.settle(pass)
      return pass.changes
    },
  }
  return evaluator
}

export type AlertEvaluator = ReturnType<typeof createEvaluator>
