import { factKey, isAggregateFact, pathParts, readParts, readPath } from './facts.js'
import { resolveOperator, type OperatorFn } from './condition-operators.js'
import { engineCopy } from './engine-copy.js'
import type { Condition, LeafCondition } from './rule-schema.js'

/**
 * A rule condition compiled once into plain synchronous functions, with json-rules-engine 7.3's
 * semantics as vigil configured it (undefined facts allowed, paths read by readPath, vigil's
 * operators and the engine's decorators). json-rules-engine stays the reference: the property
 * test (tests/unit/compiled-conditions.property.test.ts) runs both on generated rules and inputs.
 *
 * What the reference does, and this copies:
 * - every leaf is evaluated, none skipped: all conditions have one priority, so the engine
 *   evaluates a whole `all`/`any` before combining. An operator that throws therefore fails the
 *   whole evaluation even where the other branches already decided it;
 * - an empty `all` or `any` holds;
 * - a fact it does not know is undefined; a path into a value that is not an object gives the
 *   value itself; `value: { fact, params, path }` is read like a fact;
 * - a leaf's result counts only when it is `true`, a `not` negates whatever it got.
 */

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

/** What a condition reads: the input (a report or alert view), the evaluation time, the aggregates when grading. */
export interface ConditionFacts {
  input: object
  now: number
  aggregates?: Record<string, number | null>
}

/** The facts a condition can name: the input under its name, plus the aggregates when grading. */
export interface FactScope {
  inputFact: 'report' | 'alert'
  grading: boolean
}

export interface CompiledCondition {
  /** Whether the condition holds. Throws where json-rules-engine's run rejects. */
  test(facts: ConditionFacts): boolean
  /** The condition with every leaf's fact value and result, as alerts record it. */
  explain(facts: ConditionFacts): Explanation
}

/** withinDays needs the evaluation time, which only a fact can carry into an operator. */
export const WITHIN_DAYS_FACT = '__withinDaysOf'

/** json-rules-engine wants all/any/not at the top; a lone leaf is wrapped in `all`. */
export function topLevel(cond: Condition): Condition {
  if ('all' in cond || 'any' in cond || 'not' in cond) return rewrite(cond)
  return { all: [rewrite(cond)] }
}

/** withinDays compares against `now`: its value becomes a fact giving [days, now]. */
function rewrite(cond: Condition): Condition {
  if ('all' in cond) return { ...cond, all: cond.all.map(rewrite) }
  if ('any' in cond) return { ...cond, any: cond.any.map(rewrite) }
  if ('not' in cond) return { ...cond, not: rewrite(cond.not) }
  if (cond.operator.split(':').pop() === 'withinDays') {
    return { ...cond, value: { fact: WITHIN_DAYS_FACT, params: { days: cond.value } } }
  }
  return cond
}

type Read = (facts: ConditionFacts) => unknown

interface Node {
  /** The raw result, as the engine passes it up (a nested all/any/not gives a boolean). */
  run: Read
  /** The same evaluation, adding the node's explanation to `into`; returns the raw result. */
  explain(facts: ConditionFacts, into: Explanation[]): unknown
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)
const throwing = (err: unknown): Read => () => { throw err }

/** Compiles a condition (a rule's match, or a threshold's when) for inputs named `scope.inputFact`. */
export function compileCondition(cond: Condition, scope: FactScope): CompiledCondition {
  const root = compileNode(topLevel(cond), scope, true)
  return {
    test: (facts) => Boolean(root.run(facts)),
    explain(facts) {
      const out: Explanation[] = []
      root.explain(facts, out)
      return out[0]!
    },
  }
}

function compileNode(cond: Condition, scope: FactScope, top: boolean): Node {
  // The engine's order: any, then all, then not.
  if (hasOwn(cond, 'any')) return compileList('any', (cond as { any: Condition[] }).any.map((c) => compileNode(c, scope, false)), top)
  if (hasOwn(cond, 'all')) return compileList('all', (cond as { all: Condition[] }).all.map((c) => compileNode(c, scope, false)), top)
  if (hasOwn(cond, 'not')) return compileNot(compileNode((cond as { not: Condition }).not, scope, false))
  return compileLeaf(cond as LeafCondition, scope)
}

/**
 * A nested boolean reports `result === true`; the rule's own top node passes its raw result on.
 * Its explanation's result is recomputed from the children's results as the engine holds them
 * (an empty `any` explains as false, and a parent sees it as true), as vigil always explained.
 */
function compileList(kind: 'all' | 'any', children: Node[], top: boolean): Node {
  const runs = children.map((c) => c.run)
  const all = kind === 'all'
  let combine: Read
  if (runs.length === 0) combine = () => true
  else if (runs.length === 1) combine = runs[0]!
  else if (all) {
    combine = (facts) => {
      let held = true
      for (const run of runs) if (run(facts) !== true) held = false
      return held
    }
  } else {
    combine = (facts) => {
      let held = false
      for (const run of runs) if (run(facts) === true) held = true
      return held
    }
  }
  return {
    run: top ? combine : (facts) => combine(facts) === true,
    explain(facts, into) {
      const explained: Explanation[] = []
      let raw: unknown = children.length === 0 ? true : undefined
      let truthy = all
      let held = all
      for (const child of children) {
        const r = child.explain(facts, explained)
        if (children.length === 1) raw = r
        if (all ? !r : r) truthy = !all
        if (all ? r !== true : r === true) held = !all
      }
      if (children.length > 1) raw = held
      into.push(all ? { all: explained, result: truthy } : { any: explained, result: truthy })
      return top ? raw : raw === true
    },
  }
}

/** A `not` negates its child's raw result (a boolean either way). */
function compileNot(child: Node): Node {
  const inner = child.run
  return {
    run: (facts) => !inner(facts),
    explain(facts, into) {
      const explained: Explanation[] = []
      const r = child.explain(facts, explained)
      into.push({ not: explained[0]!, result: !explained[0]!.result })
      return !r
    },
  }
}

function compileLeaf(leaf: LeafCondition, scope: FactScope): Node {
  // The engine refuses such a leaf when the rule is added: so does the compiler.
  for (const key of ['fact', 'operator', 'value']) {
    if (!hasOwn(leaf, key)) throw new Error(`Condition: constructor "${key}" property required`)
  }
  const op: OperatorFn | null = typeof leaf.operator === 'string' ? resolveOperator(leaf.operator) : null
  if (!op) {
    const fail = throwing(new Error(`Unknown operator: ${leaf.operator}`))
    return { run: fail, explain: fail }
  }
  // The engine evaluates a copy of the rule's condition: its value and params are that copy.
  const readFact = factReader(scope, leaf.fact, engineCopy(leaf.params), leaf.path)
  const readValue = valueReader(scope, engineCopy(leaf.value))
  const explanation = leafExplainer(leaf)
  return {
    run: (facts) => {
      const value = readValue(facts)
      return op(readFact(facts), value)
    },
    explain(facts, into) {
      const value = readValue(facts)
      const factResult = readFact(facts)
      const result = op(factResult, value)
      into.push(explanation(factResult, result))
      return result
    },
  }
}

/** A condition's `value`: a literal, or `{ fact, params, path }` read like a fact. */
function valueReader(scope: FactScope, value: unknown): Read {
  if (value != null && typeof value === 'object' && hasOwn(value, 'fact')) {
    const ref = value as { fact: unknown; params?: unknown; path?: unknown }
    return factReader(scope, ref.fact, ref.params, ref.path)
  }
  return () => value
}

/** A fact with its params, then the path into it when it is an object (a non-object is taken whole). */
function factReader(scope: FactScope, fact: unknown, params: unknown, path: unknown): Read {
  const base = baseFact(scope, fact, params === undefined ? {} : params)
  if (path === undefined || !path) return base
  const read = pathReader(path)
  return (facts) => {
    const v = base(facts)
    return v != null && typeof v === 'object' ? read(v) : v
  }
}

function baseFact(scope: FactScope, fact: unknown, params: unknown): Read {
  if (fact === scope.inputFact) return (facts) => facts.input
  if (fact === 'now') return (facts) => facts.now
  if (scope.grading && fact === '__aggregates') return (facts) => facts.aggregates
  if (fact === WITHIN_DAYS_FACT) {
    let days: unknown
    try {
      days = (params as { days?: unknown }).days
    } catch (err) {
      return throwing(err)
    }
    return (facts) => [days, facts.now]
  }
  if (scope.grading && typeof fact === 'string' && isAggregateFact(fact)) {
    let key: string
    try {
      key = factKey(fact, params as Record<string, unknown>)
    } catch (err) {
      return throwing(err)
    }
    return (facts) => facts.aggregates![key] ?? null
  }
  return () => undefined
}

/** readPath with the path split once. */
function pathReader(path: unknown): (value: object) => unknown {
  if (typeof path !== 'string') return (value) => readPath(value, path as string)
  const parts = pathParts(path)
  return (value) => readParts(value, parts)
}

/** A copy now, of a value that is an object (a fresh one per explanation, as the engine's were). */
function copier(value: unknown): () => unknown {
  return value !== null && typeof value === 'object' ? () => engineCopy(value) : () => value
}

/**
 * A leaf's explanation, as vigil has always reduced the engine's result: the leaf as written
 * (withinDays with its days, not the [days, now] fact), the fact's value (null when undefined)
 * and whether it held. Keys in the same order, path and params only when present.
 */
function leafExplainer(leaf: LeafCondition): (factResult: unknown, result: unknown) => Explanation {
  const { fact, operator } = leaf
  const copyValue = copier(leaf.value)
  const shown = () => {
    const v = copyValue() as { fact?: unknown; params: { days: unknown } } | undefined
    return v && typeof v === 'object' && v.fact === WITHIN_DAYS_FACT ? v.params.days : v
  }
  const copyParams = copier(leaf.params)
  const path = leaf.path
  const withParams = Boolean(leaf.params)
  if (path && withParams) {
    return (factResult, result) => ({ fact, path, params: copyParams() as Record<string, unknown>, operator, value: shown(), factResult: factResult ?? null, result: result === true })
  }
  if (path) return (factResult, result) => ({ fact, path, operator, value: shown(), factResult: factResult ?? null, result: result === true })
  if (withParams) {
    return (factResult, result) => ({ fact, params: copyParams() as Record<string, unknown>, operator, value: shown(), factResult: factResult ?? null, result: result === true })
  }
  return (factResult, result) => ({ fact, operator, value: shown(), factResult: factResult ?? null, result: result === true })
}
