import { factKey, isAggregateFact, readPath } from './facts.js'
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

/** One node of the evaluated tree, as the reference engine leaves it for explain(). */
type Traced =
  | { kind: 'all'; children: Traced[]; result: unknown }
  | { kind: 'any'; children: Traced[]; result: unknown }
  | { kind: 'not'; child: Traced; result: unknown }
  | { kind: 'leaf'; leaf: LeafCondition; factResult: unknown; result: unknown }

interface Node {
  /** The raw result, as the engine passes it up (a nested all/any/not gives a boolean). */
  run: Read
  trace(facts: ConditionFacts): Traced
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)
const throwing = (err: unknown): Read => () => { throw err }

/** Compiles a condition (a rule's match, or a threshold's when) for inputs named `scope.inputFact`. */
export function compileCondition(cond: Condition, scope: FactScope): CompiledCondition {
  const root = compileNode(topLevel(cond), scope, true)
  return {
    test: (facts) => Boolean(root.run(facts)),
    explain: (facts) => explainNode(root.trace(facts)),
  }
}

function compileNode(cond: Condition, scope: FactScope, top: boolean): Node {
  // The engine's order: any, then all, then not.
  if (hasOwn(cond, 'any')) return compileList('any', (cond as { any: Condition[] }).any.map((c) => compileNode(c, scope, false)), top)
  if (hasOwn(cond, 'all')) return compileList('all', (cond as { all: Condition[] }).all.map((c) => compileNode(c, scope, false)), top)
  if (hasOwn(cond, 'not')) return compileNot(compileNode((cond as { not: Condition }).not, scope, false))
  return compileLeaf(cond as LeafCondition, scope)
}

/** A nested boolean reports `result === true`; the rule's own top node passes its raw result on. */
function compileList(kind: 'all' | 'any', children: Node[], top: boolean): Node {
  const runs = children.map((c) => c.run)
  let combine: Read
  if (runs.length === 0) combine = () => true
  else if (runs.length === 1) combine = runs[0]!
  else if (kind === 'all') {
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
  const run: Read = top ? combine : (facts) => combine(facts) === true
  const decide = (traced: Traced[]) => {
    if (traced.length === 0) return true
    if (traced.length === 1) return traced[0]!.result
    return kind === 'all' ? traced.every((t) => t.result === true) : traced.some((t) => t.result === true)
  }
  return {
    run,
    trace(facts) {
      const traced = children.map((c) => c.trace(facts))
      const raw = decide(traced)
      return { kind, children: traced, result: top ? raw : raw === true } as Traced
    },
  }
}

/** A `not` negates its child's raw result (a boolean either way). */
function compileNot(child: Node): Node {
  const inner = child.run
  return {
    run: (facts) => !inner(facts),
    trace(facts) {
      const traced = child.trace(facts)
      return { kind: 'not', child: traced, result: !traced.result }
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
    return { run: fail, trace: fail as Node['trace'] }
  }
  // The engine evaluates a copy of the rule's condition: its value and params are that copy.
  const readFact = factReader(scope, leaf.fact, engineCopy(leaf.params), leaf.path)
  const readValue = valueReader(scope, engineCopy(leaf.value))
  return {
    run: (facts) => {
      const value = readValue(facts)
      return op(readFact(facts), value)
    },
    trace(facts) {
      const value = readValue(facts)
      const factResult = readFact(facts)
      return { kind: 'leaf', leaf, factResult, result: op(factResult, value) }
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
  const parts = path.replace(/^\$\.?/, '').split('.').filter((p) => p !== '')
  return (value) => {
    let cur: unknown = value
    for (const p of parts) {
      if (cur === null || typeof cur !== 'object') return undefined
      if (!Object.hasOwn(cur, p)) return undefined
      cur = (cur as Record<string, unknown>)[p]
    }
    return cur
  }
}

/**
 * The explanation of an evaluated tree, as compile-indicator has always reduced the engine's
 * result: a boolean node's result is recomputed from its children's (so an empty `any` explains
 * as false), a leaf's is whether it held. Values and params are fresh engine copies, as the engine's were.
 */
function explainNode(n: Traced): Explanation {
  if (n.kind === 'all' || n.kind === 'any') {
    const children = n.children.map(explainNode)
    return n.kind === 'all'
      ? { all: children, result: n.children.every((c) => c.result) }
      : { any: children, result: n.children.some((c) => c.result) }
  }
  if (n.kind === 'not') {
    const inner = explainNode(n.child)
    return { not: inner, result: !inner.result }
  }
  const { leaf } = n
  const v = engineCopy(leaf.value) as { fact?: unknown; params: { days: unknown } } | undefined
  const params = engineCopy(leaf.params) as Record<string, unknown> | undefined
  return {
    fact: leaf.fact,
    ...(leaf.path ? { path: leaf.path } : {}),
    ...(params ? { params } : {}),
    operator: leaf.operator,
    value: v && typeof v === 'object' && v.fact === WITHIN_DAYS_FACT ? v.params.days : v,
    factResult: n.factResult ?? null,
    result: n.result === true,
  }
}
