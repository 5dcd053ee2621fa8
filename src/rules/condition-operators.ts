import { CUSTOM_OPERATORS } from './operators.js'

/**
 * Operators as json-rules-engine 7.3 applies them, so compiled conditions decide exactly as the
 * reference engine does: each operator is a fact check and a comparison (`check(f) && compare`),
 * decorators wrap a whole operator, and vigil's own operators replace the built-in `contains` /
 * `doesNotContain` and answer false instead of throwing. The built-ins do throw on some values
 * (`in` on a value without indexOf, a decorator over a value that is not a list): a rule that does
 * that fails its evaluation in both engines.
 */

/** An operator applied: the raw result (true/false for every operator vigil has). */
export type OperatorFn = (factValue: unknown, value: unknown) => unknown

type Check = (factValue: unknown) => boolean
type Decorator = { check: Check | null; apply: (factValue: unknown, value: unknown, next: OperatorFn) => unknown }

/** json-rules-engine's number check: whatever parseFloat reads a number from ('12abc' passes, an object whose toString is no function throws). */
const numeric: Check = (f) => Number.parseFloat(f as string).toString() !== 'NaN'

function operator(check: Check | null, compare: OperatorFn): OperatorFn {
  return check ? (f, v) => check(f) && compare(f, v) : compare
}

type Indexed = { indexOf(x: unknown): number }

const BUILTIN: Record<string, OperatorFn> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as Indexed).indexOf(a) > -1,
  notIn: (a, b) => (b as Indexed).indexOf(a) === -1,
  lessThan: operator(numeric, (a, b) => (a as number) < (b as number)),
  lessThanInclusive: operator(numeric, (a, b) => (a as number) <= (b as number)),
  greaterThan: operator(numeric, (a, b) => (a as number) > (b as number)),
  greaterThanInclusive: operator(numeric, (a, b) => (a as number) >= (b as number)),
}

/** vigil's operators, as compile-indicator has always added them: an exception means false. */
function guarded(fn: (f: unknown, v: unknown) => boolean): OperatorFn {
  return (f, v) => {
    try {
      return fn(f, v)
    } catch {
      return false
    }
  }
}

const OPERATORS = new Map<string, OperatorFn>([
  ...Object.entries(BUILTIN),
  ...Object.entries(CUSTOM_OPERATORS).map(([name, fn]) => [name, guarded(fn)] as const),
])

type List = { some(f: (x: unknown) => unknown): boolean; every(f: (x: unknown) => unknown): boolean }

const DECORATORS = new Map<string, Decorator>([
  ['someFact', { check: Array.isArray, apply: (f, v, next) => (f as List).some((x) => next(x, v)) }],
  ['someValue', { check: null, apply: (f, v, next) => (v as List).some((x) => next(f, x)) }],
  ['everyFact', { check: Array.isArray, apply: (f, v, next) => (f as List).every((x) => next(x, v)) }],
  ['everyValue', { check: null, apply: (f, v, next) => (v as List).every((x) => next(f, x)) }],
  ['swap', { check: null, apply: (f, v, next) => next(v, f) }],
  ['not', { check: null, apply: (f, v, next) => !next(f, v) }],
])

/**
 * The operator a name such as `someFact:not:equal` stands for, or null when json-rules-engine
 * would not know it (then evaluating the condition fails, as there). Decorators are read from
 * the left and applied innermost first.
 */
export function resolveOperator(name: string): OperatorFn | null {
  const decorators: Decorator[] = []
  let rest = name
  while (!OPERATORS.has(rest)) {
    const colon = rest.indexOf(':')
    if (colon <= 0) return null
    const decorator = DECORATORS.get(rest.slice(0, colon))
    if (!decorator) return null
    decorators.unshift(decorator)
    rest = rest.slice(colon + 1)
  }
  let op = OPERATORS.get(rest)!
  for (const d of decorators) {
    const next = op
    op = operator(d.check, (f, v) => d.apply(f, v, next))
  }
  return op
}
