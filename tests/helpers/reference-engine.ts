import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine'
import { rank } from '../../src/alerts/levels.js'
import { AGGREGATE_FACTS, INPUT_FACT, factKey, readPath } from '../../src/rules/facts.js'
import { CUSTOM_OPERATORS } from '../../src/rules/operators.js'
import { topLevel, WITHIN_DAYS_FACT, type Explanation } from '../../src/rules/condition-compiler.js'
import type { GradeOutcome } from '../../src/rules/compile-indicator.js'
import type { IndicatorRule } from '../../src/rules/rule-schema.js'

/**
 * The reference semantics of an indicator's conditions: json-rules-engine 7.3 configured exactly
 * as compile-indicator configured it before conditions were compiled (two engines per indicator,
 * undefined facts allowed, readPath as path resolver, vigil's operators answering false on an
 * exception, withinDays rewritten to a [days, now] fact, aggregates read by factKey). The property
 * test and the benchmark hold the compiled form against it.
 */
export interface ReferenceIndicator {
  matches(input: object, now: number): Promise<boolean>
  grade(aggregates: Record<string, number | null>, input: object, now: number): Promise<GradeOutcome | null>
}

/** json-rules-engine's fact cache would hash the params on every access: dearer than the look-up. */
const NO_CACHE = { cache: false }

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

export function referenceIndicator(rule: IndicatorRule): ReferenceIndicator {
  const inputFact = INPUT_FACT[rule.input]
  const matchEngine = rule.match ? newEngine() : null
  if (matchEngine && rule.match) {
    matchEngine.addRule({ name: 'match', conditions: topLevel(rule.match) as TopLevelCondition, event: { type: 'match' } } as RuleProperties)
  }
  const gradeEngine = newEngine()
  for (const name of Object.keys(AGGREGATE_FACTS)) {
    gradeEngine.addFact(name, async (params: Record<string, unknown>, almanac) => {
      const aggregates = await almanac.factValue<Record<string, number | null>>('__aggregates')
      return aggregates[factKey(name, params)] ?? null
    }, NO_CACHE)
  }
  // One priority for every threshold: json-rules-engine runs same-priority rules in one pass.
  rule.alerts.forEach((t, index) => {
    gradeEngine.addRule({
      name: String(index),
      conditions: topLevel(t.when) as TopLevelCondition,
      event: { type: 'threshold', params: { index } },
    } as RuleProperties)
  })

  return {
    async matches(input, now) {
      if (!matchEngine) return true
      const { events } = await matchEngine.run({ [inputFact]: input, now })
      return events.length > 0
    },
    async grade(aggregates, input, now) {
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
  }
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
