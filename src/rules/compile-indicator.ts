import { createHash } from 'node:crypto'
import { rank } from '../alerts/levels.js'
import {
  COLUMN_FIELDS, DERIVED_FACTS, INPUT_FACT, SHORTHAND_PATHS,
  factKey, isAggregateFact, isVictimFact, leaves, victimPath, type AggregateFact,
} from './facts.js'
import { compileCondition, type Explanation } from './condition-compiler.js'
import { durationMs, type IndicatorRule, type Threshold } from './rule-schema.js'
import type { TaxonomyWatch } from './taxonomy-watch.js'

/** One aggregate an indicator needs, described for the storage layer to compute in SQL. */
export interface AggregateNeed {
  key: string
  fact: AggregateFact
  /** count, sum of a measure, or count of distinct values of a field. */
  kind: 'count' | 'sum' | 'distinct'
  /** For sum: a shorthand measure or a report path; for distinct: a column field or a path. */
  measure?: string
  category?: string
  windowMs: number
  /** Counts the mitigating inputs, which every other aggregate leaves out. */
  mitigating?: boolean
}

export interface GradeOutcome {
  threshold: Threshold
  index: number
  rank: number
  explanation: Explanation
}

/** An indicator built for evaluation: immutable, safe to share between concurrent runs. */
export interface CompiledIndicator {
  readonly rule: IndicatorRule
  readonly file: string
  /** The taxonomy codes it watches (crosswalk selectors resolved). */
  readonly codes: readonly string[]
  /** The watched codes of polarity mitigating: counted by the `mitigating` fact, by no other. */
  readonly mitigatingCodes: readonly string[]
  readonly windowMs: number
  readonly expiresMs: number
  /** The cap on an alert's life from its raise (`maxDuration`); null: none. */
  readonly maxDurationMs: number | null
  /** A threshold reads `neighbourAreasWithEvents`: the evaluator computes it from the gazetteer. */
  readonly usesNeighbours: boolean
  readonly trendPeriods: number
  readonly inputFact: 'report' | 'alert'
  readonly needs: readonly AggregateNeed[]
  /** Input paths stored with each match so `sum`/`distinct` over them run in SQL. */
  readonly storedPaths: readonly string[]
  /** Measures whose trend the thresholds (and every alert, for count) need. */
  readonly trendMeasures: readonly string[]
  /** What the stored input index depends on (input kind, taxonomy, match, stored fields). */
  readonly indexSignature: string
  /** How far back its aggregates ever look: the window and the trend's previous windows. */
  readonly lookbackMs: number
  /** Whether an input counts toward this indicator. */
  matches(input: object, now: number): boolean
  /** The highest satisfied threshold for these aggregates, or null. */
  grade(aggregates: Record<string, number | null>, input: object, now: number): GradeOutcome | null
}

/** The aggregates the thresholds use, plus the ones every alert records (mitigating when it watches such codes). */
function collectNeeds(rule: IndicatorRule, windowMs: number, watch: TaxonomyWatch): AggregateNeed[] {
  const needs = new Map<string, AggregateNeed>()
  const add = (fact: AggregateFact, params: Record<string, unknown> = {}) => {
    if (DERIVED_FACTS.includes(fact)) return
    const key = factKey(fact, params)
    if (needs.has(key)) return
    const w = typeof params.window === 'string' ? durationMs(params.window) : windowMs
    const category = typeof params.category === 'string' ? params.category : undefined
    const base = { key, fact, windowMs: w, ...(category ? { category } : {}) }
    if (fact === 'count') needs.set(key, { ...base, kind: 'count' })
    else if (fact === 'mitigating') needs.set(key, { ...base, kind: 'count', mitigating: true })
    else if (fact === 'distinct') needs.set(key, { ...base, kind: 'distinct', measure: String(params.field) })
    else if (fact === 'independentSources') needs.set(key, { ...base, kind: 'distinct', measure: 'source' })
    else if (fact === 'sum') needs.set(key, { ...base, kind: 'sum', measure: String(params.path) })
    // A victim fact sums the report's derived count, stored with each input like any path.
    else if (isVictimFact(fact)) needs.set(key, { ...base, kind: 'sum', measure: victimPath(fact) })
    else needs.set(key, { ...base, kind: 'sum', measure: fact })
  }
  for (const f of ['count', 'unKilled', 'unInjured', 'unAbducted', 'civiliansKilled', 'independentSources'] as const) add(f)
  if (watch.mitigating.length > 0) add('mitigating')
  for (const t of rule.alerts) {
    for (const { leaf } of leaves(t.when)) {
      if (isAggregateFact(leaf.fact)) add(leaf.fact, leaf.params)
    }
  }
  return [...needs.values()]
}

/** `count` always (each alert records its trend), plus every measure a `trend` condition names. */
function collectTrendMeasures(rule: IndicatorRule): string[] {
  const measures = new Set<string>(['count'])
  for (const t of rule.alerts) {
    for (const { leaf } of leaves(t.when)) {
      if ((leaf.fact === 'trend' || leaf.fact === 'baseline') && typeof leaf.params?.measure === 'string') measures.add(leaf.params.measure)
    }
  }
  return [...measures]
}

/** Paths that sum/distinct read from the input and that are not stored columns or shorthands. */
function collectStoredPaths(needs: AggregateNeed[]): string[] {
  const paths = new Set<string>()
  for (const n of needs) {
    if (!n.measure) continue
    if (n.kind === 'distinct' && (COLUMN_FIELDS as readonly string[]).includes(n.measure)) continue
    if (n.kind === 'sum' && Object.hasOwn(SHORTHAND_PATHS, n.measure)) continue
    paths.add(n.measure)
  }
  return [...paths].sort()
}

/**
 * What a rule watches when no taxonomy resolved it: its codes as written. A rule that needs the
 * taxonomy (a crosswalk selector) cannot be built without it.
 */
function writtenWatch(rule: IndicatorRule): TaxonomyWatch {
  const codes = rule.taxonomy.filter((e): e is string => typeof e === 'string')
  if (codes.length < rule.taxonomy.length) throw new Error(`${rule.id} selects by crosswalk: resolve its taxonomy first (checkRuleDir)`)
  const weighs = rule.alerts.some((t) => leaves(t.when).some(({ leaf }) => leaf.fact === 'mitigating'))
  if (weighs) throw new Error(`${rule.id} weighs mitigating reports: resolve its taxonomy first (checkRuleDir)`)
  return { codes, mitigating: [] }
}

/** Compiles an indicator's conditions once; nothing in it changes afterwards. */
export function compileIndicator(rule: IndicatorRule, file: string, watch: TaxonomyWatch = writtenWatch(rule)): CompiledIndicator {
  const windowMs = durationMs(rule.window)
  const needs = collectNeeds(rule, windowMs, watch)
  const inputFact = INPUT_FACT[rule.input]
  const match = rule.match ? compileCondition(rule.match, { inputFact, grading: false }) : null
  const thresholds = rule.alerts.map((t) => compileCondition(t.when, { inputFact, grading: true }))
  const ranks = rule.alerts.map((t) => rank(t.level, t.grade))

  return Object.freeze({
    rule,
    file,
    codes: Object.freeze([...watch.codes]),
    mitigatingCodes: Object.freeze([...watch.mitigating]),
    windowMs,
    expiresMs: durationMs(rule.expires),
    maxDurationMs: rule.maxDuration ? durationMs(rule.maxDuration) : null,
    usesNeighbours: rule.alerts.some((t) => leaves(t.when).some(({ leaf }) => leaf.fact === 'neighbourAreasWithEvents')),
    trendPeriods: rule.trend.periods,
    inputFact,
    needs: Object.freeze(needs),
    storedPaths: Object.freeze(collectStoredPaths(needs)),
    trendMeasures: Object.freeze(collectTrendMeasures(rule)),
    indexSignature: createHash('sha256').update(JSON.stringify([rule.input, watch.codes, rule.match ?? null, collectStoredPaths(needs)])).digest('hex').slice(0, 16),
    lookbackMs: Math.max(windowMs * (rule.trend.periods + 1), ...needs.map((n) => n.windowMs)),

    matches(input: object, now: number) {
      return match ? match.test({ input, now }) : true
    },

    grade(aggregates: Record<string, number | null>, input: object, now: number) {
      const facts = { input, now, aggregates }
      // Every threshold is evaluated, as the engine did: one that fails to evaluate fails the grade.
      // Of equal ranks the first in the file wins.
      let best = -1
      for (let i = 0; i < thresholds.length; i++) {
        if (thresholds[i]!.test(facts) && (best < 0 || ranks[i]! > ranks[best]!)) best = i
      }
      if (best < 0) return null
      return { threshold: rule.alerts[best]!, index: best, rank: ranks[best]!, explanation: thresholds[best]!.explain(facts) }
    },
  })
}

export { rank }
export type { Explanation }
