import { isUnder } from '../taxonomy/taxonomy.js'
import { compileRulePattern, type RulePattern } from './rule-regex.js'

/**
 * vigil's operators, added to every engine. Each one answers false, never throws, when the fact
 * is missing or of the wrong type: a missing field must never look like a hit.
 */

const DAY_MS = 86_400_000
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const asTime = (v: unknown): number | null => {
  if (isNum(v)) return v
  if (typeof v === 'string') {
    const t = Date.parse(v)
    return Number.isNaN(t) ? null : t
  }
  return null
}

type OperatorFn = (factValue: unknown, jsonValue: unknown) => boolean

/**
 * Patterns compiled once each (on RE2: linear time); bad patterns are rejected by the rule
 * checker first. Bounded: every preview may bring new patterns, and the service runs for months.
 */
const regexCache = new Map<string, RulePattern | null>()
const REGEX_CACHE_MAX = 1_000
function regex(pattern: unknown): RulePattern | null {
  if (typeof pattern !== 'string') return null
  if (!regexCache.has(pattern)) {
    // The oldest first: a live rule's pattern is compiled again at most once per eviction.
    if (regexCache.size >= REGEX_CACHE_MAX) regexCache.delete(regexCache.keys().next().value!)
    try {
      regexCache.set(pattern, compileRulePattern(pattern))
    } catch {
      regexCache.set(pattern, null)
    }
  }
  return regexCache.get(pattern) ?? null
}

export const CUSTOM_OPERATORS: Record<string, OperatorFn> = {
  /** value true: the fact is present (not null/undefined); value false: it is absent. */
  exists: (f, v) => (f !== undefined && f !== null) === (v !== false),
  /** [min, max], both inclusive, numbers or dates. */
  between: (f, v) => {
    if (!Array.isArray(v) || v.length !== 2) return false
    const x = asTime(f)
    const lo = asTime(v[0])
    const hi = asTime(v[1])
    return x !== null && lo !== null && hi !== null && x >= lo && x <= hi
  },
  /** A case-insensitive regular expression against a string fact. */
  matches: (f, v) => typeof f === 'string' && (regex(v)?.test(f) ?? false),
  /** Array fact: holds the value. String fact: contains it as a case-insensitive substring. */
  contains: (f, v) => {
    if (Array.isArray(f)) return f.includes(v)
    return typeof f === 'string' && typeof v === 'string' && f.toLowerCase().includes(v.toLowerCase())
  },
  doesNotContain: (f, v) => {
    if (Array.isArray(f)) return !f.includes(v)
    return typeof f === 'string' && typeof v === 'string' && !f.toLowerCase().includes(v.toLowerCase())
  },
  /** Array fact: shares at least one element with the value list. */
  intersects: (f, v) => Array.isArray(f) && Array.isArray(v) && f.some((x) => v.includes(x)),
  /** A taxonomy code is the value or lies under it (HOS.IED is under HOS); value may be a list. */
  under: (f, v) => typeof f === 'string' && (Array.isArray(v) ? v : [v]).some((p) => typeof p === 'string' && isUnder(f, p)),
  /**
   * A date fact lies within N days before the evaluation time (`now`, passed as the fact
   * `now`-relative value [days, now]); see withinDaysOf.
   */
  withinDays: (f, v) => {
    if (!Array.isArray(v) || v.length !== 2) return false
    const t = asTime(f)
    const [days, now] = v as [unknown, unknown]
    return t !== null && isNum(days) && isNum(now) && t <= now && now - t <= days * DAY_MS
  },
}

/** Operators every engine has: json-rules-engine's own plus ours. */
export const BUILTIN_OPERATORS = [
  'equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn',
] as const
export const KNOWN_OPERATORS = new Set<string>([...BUILTIN_OPERATORS, ...Object.keys(CUSTOM_OPERATORS)])
/** json-rules-engine operator decorators, written `decorator:operator`. */
export const KNOWN_DECORATORS = new Set(['someFact', 'someValue', 'everyFact', 'everyValue', 'not', 'swap'])
/** Operators that hold when a value is absent or differs: dangerous on optional fields. */
export const NEGATIVE_OPERATORS = new Set(['notEqual', 'notIn', 'doesNotContain'])

/** True when an operator name, with any decorators, is one vigil's engines know. */
export function isKnownOperator(name: string): boolean {
  const parts = name.split(':')
  const op = parts.pop()!
  return KNOWN_OPERATORS.has(op) && parts.every((d) => KNOWN_DECORATORS.has(d))
}
