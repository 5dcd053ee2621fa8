import { createHash } from 'node:crypto'
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine'
import { rank } from '../alerts/levels.js'
import {
  AGGREGATE_FACTS, COLUMN_FIELDS, DERIVED_FACTS, INPUT_FACT, SHORTHAND_PATHS,
  factKey, isAggregateFact, leaves, readPath, type AggregateFact,
} from './facts.js'
import { CUSTOM_OPERATORS } from './operators.js'
import { durationMs, type Condition, type IndicatorRule, type Threshold } from './rule-schema.js'
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

/** A condition tree after evaluation: every leaf with the value the fact had and whether it held. */
export interface Explanation {
  all?: Explanation[]
  any?: Explanation[]
  not?: Explanation
  fact?: string
  path?: string
  params?: Record<string, unknown>
  operator?: string
  value?: unknown
  factResult?: unknown
  result?: boolean
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
  matches(input: object, now: number): Promise<boolean>
  /** The highest satisfied threshold for these aggregates, or null. */
  grade(aggregates: Record<string, number | null>, input: object, now: number): Promise<GradeOutcome | null>
}

const WITHIN_DAYS_FACT = '__withinDaysOf'

/**
 * Our computed facts are look-ups in values the run already holds: json-rules-engine's cache
 * would hash the fact's parameters (hash-it) on every access, which costs more than the look-up.
 */
const NO_CACHE = { cache: false }

/** json-rules-engine wants all/any/not at the top; a lone leaf is wrapped in `all`. */
function topLevel(cond: Condition): TopLevelCondition {
  if ('all' in cond || 'any' in cond || 'not' in cond) return rewrite(cond) as TopLevelCondition
  return { all: [rewrite(cond)] } as TopLevelCondition
}

/** withinDays needs the evaluation time, which only a fact can carry into an operator. */
function rewrite(cond: Condition): Condition {
  if ('all' in cond) return { ...cond, all: cond.all.map(rewrite) }
  if ('any' in cond) return { ...cond, any: cond.any.map(rewrite) }
  if ('not' in cond) return { ...cond, not: rewrite(cond.not) }
  if (cond.operator.split(':').pop() === 'withinDays') {
    return { ...cond, value: { fact: WITHIN_DAYS_FACT, params: { days: cond.value } } }
  }
  return cond
}

function newEngine(): Engine {
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    pathResolver: (object: unknown, path: string) => readPath(object, path),
  } as ConstructorParameters<typeof Engine>[1])
  for (const [name, fn] of Object.entries(CUSTOM_OPERATORS)) {
    engine.addOperator(name, (a: unknown, b: unknown) => {
      try {
        return fn(a, b)
      } catch {
        return false
      }
    })
  }
  engine.addFact(WITHIN_DAYS_FACT, async (params: Record<string, unknown>, almanac) =>
    [params.days, await almanac.factValue('now')], NO_CACHE)
  return engine
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

/** Builds an indicator's engines once; they are never changed afterwards. */
export function compileIndicator(rule: IndicatorRule, file: string, watch: TaxonomyWatch = writtenWatch(rule)): CompiledIndicator {
  const windowMs = durationMs(rule.window)
  const needs = collectNeeds(rule, windowMs, watch)
  const inputFact = INPUT_FACT[rule.input]

  const matchEngine = rule.match ? newEngine() : null
  if (matchEngine && rule.match) {
    matchEngine.addRule({ name: 'match', conditions: topLevel(rule.match), event: { type: 'match' } } as RuleProperties)
  }

  const gradeEngine = newEngine()
  for (const name of Object.keys(AGGREGATE_FACTS)) {
    gradeEngine.addFact(name, async (params: Record<string, unknown>, almanac) => {
      const aggregates = await almanac.factValue<Record<string, number | null>>('__aggregates')
      return aggregates[factKey(name, params)] ?? null
    }, NO_CACHE)
  }
  // One priority for every threshold: json-rules-engine runs same-priority rules in one pass,
  // so concurrent runs can't skip one another's rules (its issue 303).
  rule.alerts.forEach((t, index) => {
    gradeEngine.addRule({
      name: String(index),
      conditions: topLevel(t.when),
      event: { type: 'threshold', params: { index } },
    } as RuleProperties)
  })

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

    async matches(input: object, now: number) {
      if (!matchEngine) return true
      const { events } = await matchEngine.run({ [inputFact]: input, now })
      return events.length > 0
    },

    async grade(aggregates: Record<string, number | null>, input: object, now: number) {
      const { results } = await gradeEngine.run({ __aggregates: aggregates, [inputFact]: input, now })
      let best: GradeOutcome | null = null
      for (const r of results) {
        const index = (r.event?.params as { index: number }).index
        const threshold = rule.alerts[index]!
        const rk = rank(threshold.level, threshold.grade)
        if (!best || rk > best.rank) {
          best = { threshold, index, rank: rk, explanation: explain((r as unknown as { conditions: unknown }).conditions) }
        }
      }
      return best
    },
  })
}

/** A json-rules-engine result tree reduced to what a duty officer's explanation needs. */
function explain(node: unknown): Explanation {
  const n = node as Record<string, unknown>
  if (Array.isArray(n.all)) return { all: n.all.map(explain), result: n.all.every((c) => (c as { result?: boolean }).result) }
  if (Array.isArray(n.any)) return { any: n.any.map(explain), result: n.any.some((c) => (c as { result?: boolean }).result) }
  if (n.not) {
    const inner = explain(n.not)
    return { not: inner, result: !inner.result }
  }
  const value = n.value && typeof n.value === 'object' && (n.value as { fact?: string }).fact === WITHIN_DAYS_FACT
    ? (n.value as { params: { days: unknown } }).params.days
    : n.value
  return {
    fact: n.fact as string,
    ...(n.path ? { path: n.path as string } : {}),
    ...(n.params ? { params: n.params as Record<string, unknown> } : {}),
    operator: n.operator as string,
    value,
    factResult: n.factResult ?? null,
    result: n.result === true,
  }
}

export { rank }
