import type { Condition, LeafCondition } from './rule-schema.js'
import { VICTIM_FACTS, victimPath, type VictimFact } from '../reports/victim-facts.js'

export { VICTIM_FACTS, victimPath, type VictimFact }

const victimAggregates = {} as Record<VictimFact, { params: readonly ['category', 'window']; required: readonly []; doc: string }>
for (const [fact, f] of Object.entries(VICTIM_FACTS)) victimAggregates[fact as VictimFact] = { params: ['category', 'window'], required: [], doc: f.doc }

/**
 * The facts an indicator's `when` conditions may use. Aggregates are computed over the inputs
 * that matched the indicator within its scope and window; `category` narrows one to a taxonomy
 * code or top code, `window` gives it its own (shorter or longer) look-back.
 */
export const AGGREGATE_FACTS = {
  count: { params: ['category', 'window'], required: [], doc: 'number of matching inputs' },
  sum: { params: ['path', 'category', 'window'], required: ['path'], doc: 'sum of a numeric report field (path)' },
  distinct: { params: ['field', 'category', 'window'], required: ['field'], doc: 'number of distinct values of a field' },
  unKilled: { params: ['category', 'window'], required: [], doc: 'UN personnel killed (military, police, civilian)' },
  unInjured: { params: ['category', 'window'], required: [], doc: 'UN personnel injured' },
  unAbducted: { params: ['category', 'window'], required: [], doc: 'UN personnel abducted' },
  civiliansKilled: { params: ['category', 'window'], required: [], doc: 'civilians killed' },
  independentSources: { params: ['category', 'window'], required: [], doc: 'number of distinct sourceIds' },
  mitigating: { params: ['category', 'window'], required: [], doc: 'number of mitigating inputs (polarity mitigating, e.g. ARM.AGREEMENT); no other fact counts them' },
  trend: { params: ['measure'], required: [], doc: "this window's measure / mean of the previous windows; null (no ratio) when they held nothing: a new situation" },
  baseline: { params: ['measure'], required: [], doc: 'mean per window of the measure over the previous windows; 0: no history (a first cluster)' },
  ...victimAggregates,
  neighbourAreasWithEvents: { params: [], required: [], doc: "how many admin1 areas bordering the alert's own (from the gazetteer's polygons) hold at least one matching input in the window; needs groupBy admin1" },
} as const

export type AggregateFact = keyof typeof AGGREGATE_FACTS
/** Facts computed beside the aggregates, not by them: no stored series is summed for them. */
export const DERIVED_FACTS: readonly string[] = ['trend', 'baseline', 'neighbourAreasWithEvents']

/** The measures `trend` can compare; count by default. */
export const TREND_MEASURES = ['count', 'unKilled', 'unInjured', 'unAbducted', 'civiliansKilled'] as const
/** The input itself, by the kind of input the indicator takes. */
export const INPUT_FACT = { reports: 'report', alerts: 'alert' } as const

/** Fields `distinct` counts from a stored column; any other field is a path into the input. */
export const COLUMN_FIELDS = ['admin1', 'admin2', 'route', 'site', 'category', 'topCategory', 'source'] as const

/** Report paths the sum shorthands add up. */
export const SHORTHAND_PATHS: Record<string, string[]> = {
  unKilled: ['casualties.killed.un.military', 'casualties.killed.un.police', 'casualties.killed.un.civilian'],
  unInjured: ['casualties.injured.un.military', 'casualties.injured.un.police', 'casualties.injured.un.civilian'],
  unAbducted: ['casualties.abducted.un.military', 'casualties.abducted.un.police', 'casualties.abducted.un.civilian'],
  civiliansKilled: ['casualties.killed.civilian'],
}

export function isVictimFact(fact: string): fact is VictimFact {
  return Object.hasOwn(VICTIM_FACTS, fact)
}

export function isAggregateFact(fact: string): fact is AggregateFact {
  return Object.hasOwn(AGGREGATE_FACTS, fact)
}

/** Every leaf of a condition tree, with its path inside the tree (e.g. `all.1.any.0`). */
export function leaves(cond: Condition, at = ''): { leaf: LeafCondition; at: string }[] {
  const join = (k: string | number) => (at ? `${at}.${k}` : String(k))
  if ('all' in cond) return cond.all.flatMap((c, i) => leaves(c, join(`all.${i}`)))
  if ('any' in cond) return cond.any.flatMap((c, i) => leaves(c, join(`any.${i}`)))
  if ('not' in cond) return leaves(cond.not, join('not'))
  return [{ leaf: cond, at }]
}

/** The key an aggregate is known by: the fact name, plus its parameters when it has any. */
export function factKey(fact: string, params?: Record<string, unknown>): string {
  if (!params || Object.keys(params).length === 0) return fact
  const sorted = Object.keys(params).sort().map((k) => `${k}=${String(params[k])}`)
  return `${fact}(${sorted.join(',')})`
}

/** The steps of a dotted path (`location.route`, `targets.0`, optionally `$.`-prefixed). */
export function pathParts(path: string): string[] {
  return path.replace(/^\$\.?/, '').split('.').filter((p) => p !== '')
}

/** Follows path steps into a value; undefined where a step is missing or not an own key. */
export function readParts(value: unknown, parts: readonly string[]): unknown {
  let cur: unknown = value
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined
    if (!Object.hasOwn(cur, p)) return undefined
    cur = (cur as Record<string, unknown>)[p]
  }
  return cur
}

/** Reads a dotted path (`location.route`, `targets.0`, optionally `$.`-prefixed) from a value. */
export function readPath(value: unknown, path: string): unknown {
  return readParts(value, pathParts(path))
}
