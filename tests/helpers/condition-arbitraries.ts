import fc from 'fast-check'
import { GRADES, LEVELS } from '../../src/alerts/levels.js'
import { factKey, isAggregateFact, leaves } from '../../src/rules/facts.js'
import { BUILTIN_OPERATORS, CUSTOM_OPERATORS, KNOWN_DECORATORS } from '../../src/rules/operators.js'
import type { Condition, IndicatorRule, LeafCondition } from '../../src/rules/rule-schema.js'

/**
 * Generated rule conditions and inputs for holding compiled conditions against json-rules-engine.
 * The pools are small on purpose: values, paths and facts that meet each other often, so that
 * conditions hold as well as fail, and every operator meets the types it does not expect.
 */

export const NOW_POOL = [Date.parse('2026-03-10T12:00:00Z'), Date.parse('2026-03-01T00:00:00Z'), 1_700_000_000_000]

const DATES = ['2026-03-08T12:00:00Z', '2026-03-01T00:00:00Z', '2026-03-11T00:00:00Z', '2026-02-01', 'not a date', '2026-03-10T12:00:00Z']
const CODES = ['HOS.IED', 'HOS', 'ARM.CLASH', 'ARM', 'HOSTILE', 'POC.KILL']
const WORDS = ['Barrage illégal sur la RN2', 'convoy AMBUSHED near Bria', 'ied', 'mine', '', 'UN_CONVOY', 'ÉCOLE']
/** Patterns RE2 takes, one it refuses (answers false), and ones with unicode and anchors. */
export const REGEXES = ['barrage', '^a', '(unclosed', 'ied|mine', '\\d+', 'école', '^$', 'AMBUSH(ED)?']
const TAGS = ['UN_CONVOY', 'CIVILIAN', 'UN_POL', 'UN_MIL']

/** A fact value that JSON can carry but that breaks coercion: json-rules-engine's number check throws on it. */
const HOSTILE_OBJECT = JSON.parse('{"toString": "x", "valueOf": 1}') as object

const scalar = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 5, -1, 2.5, 10, 1e21, Number.NaN),
  fc.constantFrom('3', '12abc', '', 'x', ...CODES, ...DATES, ...TAGS, ...WORDS.slice(0, 3)),
  fc.constantFrom(true, false, null),
)

/** A value inside a report: scalars, lists, nested objects, and the odd hostile one. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...TAGS), fc.constantFrom(1, 2, 3), scalar), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.record({ route: scalar, admin1: fc.constantFrom('Ouaka', 'Bangui') }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.constantFrom({}, [], [[1], [2]], HOSTILE_OBJECT) },
)

/** A report (or alert) view: the fields conditions read, each present, absent, null or odd. */
export const inputArb: fc.Arbitrary<Record<string, unknown>> = fc.record({
  category: fc.oneof(fc.constantFrom(...CODES), fieldValue),
  occurredAt: fc.oneof(fc.constantFrom(...DATES), fc.constantFrom(...NOW_POOL), fieldValue),
  location: fc.oneof(fc.record({ route: fc.oneof(fc.constantFrom('MSR-1', 'MSR-2'), scalar), admin1: fc.constantFrom('Ouaka', 'Bangui') }, { requiredKeys: [] }), fieldValue),
  tags: fc.oneof(fc.subarray(TAGS), fieldValue),
  n: fieldValue,
  narrative: fc.oneof(fc.constantFrom(...WORDS), fieldValue),
  casualties: fc.oneof(fc.record({ killed: fc.record({ civilian: fc.oneof(fc.nat(5), scalar) }, { requiredKeys: [] }) }, { requiredKeys: [] }), fieldValue),
  level: fc.constantFrom(...LEVELS),
  grade: fc.constantFrom(...GRADES),
  nullish: fc.constant(null),
  odd: fc.constant(HOSTILE_OBJECT),
}, { requiredKeys: [] })

export const PATHS = [
  'category', 'occurredAt', 'location', 'location.route', 'location.admin1', 'tags', 'tags.0', 'tags.3', 'n', 'n.x',
  '$.n', '$', '$.location.route', 'narrative', 'casualties.killed.civilian', 'nullish', 'nullish.x', 'odd', 'level',
  'grade', 'missing', 'missing.deeper', 'location..route', 'count', 'count(category=HOS)',
]
const PARAMS: Record<string, unknown>[] = [{}, { category: 'HOS' }, { window: '7d' }, { category: 'HOS.IED', window: '14d' }, { path: 'n' }, { field: 'admin1' }, { measure: 'count' }, { measure: 'unKilled' }, { days: 3 }]
const FACTS = ['report', 'alert', 'now', 'count', 'sum', 'distinct', 'unKilled', 'civiliansKilled', 'trend', 'baseline', 'mitigating', 'independentSources', '__aggregates', '__withinDaysOf', 'noSuchFact']
const BASE_OPERATORS = [...BUILTIN_OPERATORS, ...Object.keys(CUSTOM_OPERATORS)]

/** Aggregate keys the facts above may be read under, so that thresholds hold as well as fail. */
const AGGREGATE_KEYS = [
  'count', 'count(category=HOS)', 'count(window=7d)', 'count(category=HOS.IED,window=14d)', 'sum(path=n)', 'distinct(field=admin1)',
  'unKilled', 'civiliansKilled', 'trend', 'trend(measure=count)', 'trend(measure=unKilled)', 'baseline', 'mitigating', 'independentSources',
]
export const aggregatesArb: fc.Arbitrary<Record<string, number | null>> = fc.dictionary(
  fc.constantFrom(...AGGREGATE_KEYS),
  fc.oneof(fc.nat(12), fc.constantFrom(0.5, 1.5, 2.25, -1), fc.constant(null)),
  { maxKeys: AGGREGATE_KEYS.length },
)

/** `value: { fact, params, path }`: read like a fact (withinDays' own fact only with its days). */
const factRef = fc.oneof(
  fc.record({ fact: fc.constantFrom(...FACTS.filter((f) => f !== '__withinDaysOf')), params: fc.constantFrom(...PARAMS), path: fc.constantFrom(...PATHS) }, { requiredKeys: ['fact'] }),
  fc.record({ fact: fc.constant('__withinDaysOf'), params: fc.record({ days: fc.constantFrom(1, 3, 30, 'x') }) }),
)

const literal = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.constantFrom(...REGEXES) },
  { weight: 6, arbitrary: fc.constantFrom<unknown>([1, 3], [0, 10], ['2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z'], ['HOS', 'ARM'], TAGS.slice(0, 2), [[1], [2]], ['a'], [], [1, 2, 3], [3, '3', null]) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({}, HOSTILE_OBJECT, { toString: 1, category: 'HOS' }) },
)

/** An operator with up to two decorators, now and then one json-rules-engine does not know. */
const operatorArb = fc.oneof(
  { weight: 40, arbitrary: fc.tuple(fc.oneof({ weight: 2, arbitrary: fc.constant<string[]>([]) }, { weight: 3, arbitrary: fc.subarray([...KNOWN_DECORATORS], { maxLength: 2 }) }).chain((ds) => fc.shuffledSubarray(ds, { minLength: ds.length, maxLength: ds.length })), fc.constantFrom(...BASE_OPERATORS)).map(([ds, op]) => [...ds, op].join(':')) },
  { weight: 1, arbitrary: fc.constantFrom('bogus', 'nope:equal', 'not:', ':equal', 'not:not:equal', 'someValue:someFact:in') },
)

export const leafArb: fc.Arbitrary<LeafCondition> = fc.record({
  fact: fc.constantFrom(...FACTS),
  operator: operatorArb,
  value: fc.oneof({ weight: 5, arbitrary: literal }, { weight: 1, arbitrary: factRef }),
  path: fc.constantFrom(...PATHS),
  params: fc.constantFrom(...PARAMS),
  name: fc.constant('a leaf'),
}, { requiredKeys: ['fact', 'operator', 'value'] })

/** Nested all / any / not, empty lists included (the schema refuses them, the engine holds them true). */
export const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ cond: Condition }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ all: fc.array(tie('cond'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('cond'), { maxLength: 3 }) }),
    fc.record({ not: tie('cond') }),
  ),
})).cond

/** 1-4 thresholds of distinct ranks (of equal ranks the compiled form takes the first: see the tie test). */
const thresholdsArb = fc.uniqueArray(fc.tuple(fc.constantFrom(...LEVELS), fc.constantFrom(...GRADES)), { minLength: 1, maxLength: 4, selector: ([l, g]) => `${l}/${g}` })
  .chain((ranks) => fc.tuple(...ranks.map(([level, grade]) => conditionArb.map((when) => ({ level, grade, when })))))

export const ruleArb: fc.Arbitrary<IndicatorRule> = fc.record({
  input: fc.constantFrom('reports' as const, 'alerts' as const),
  match: fc.option(conditionArb, { nil: undefined }),
  alerts: thresholdsArb,
}).map(({ input, match, alerts }) => indicatorRule({ input, alerts, ...(match ? { match } : {}) }))

/** The fields of an indicator rule that conditions do not use, filled in. */
export function indicatorRule(parts: Pick<IndicatorRule, 'input' | 'alerts'> & Partial<Pick<IndicatorRule, 'match'>>): IndicatorRule {
  return {
    id: 'GEN-001', title: 'generated', description: 'generated by the property test', status: 'experimental', version: 1, owner: 'tests',
    references: [], taxonomy: ['HOS'], scope: { groupBy: [] }, window: '14d', trend: { periods: 4 }, expires: '7d',
    includeUnassessed: false, falsepositives: [], tests: [], ...parts,
  }
}

/** Aggregates keyed as a rule's thresholds read them, each a number or null (a trend without history). */
export function aggregatesFor(rule: IndicatorRule): fc.Arbitrary<Record<string, number | null>> {
  const keys = new Set<string>()
  for (const t of rule.alerts) {
    for (const { leaf } of leaves(t.when)) if (isAggregateFact(leaf.fact)) keys.add(factKey(leaf.fact, leaf.params))
  }
  const values = fc.oneof({ weight: 6, arbitrary: fc.nat(12) }, { weight: 2, arbitrary: fc.constantFrom(0.5, 1.25, 2, 3.5) }, { weight: 1, arbitrary: fc.constant(null) })
  return fc.record(Object.fromEntries([...keys].map((k) => [k, values])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, number | null>>
}

/**
 * Inputs aimed at a rule's match: every path its leaves read set to a value the leaf names (or
 * one of its list), to another pool value, or left out; over a base input (e.g. a rule test's report).
 */
export function inputsFor(rule: IndicatorRule, bases: Record<string, unknown>[]): fc.Arbitrary<Record<string, unknown>> {
  const targets = rule.match ? leaves(rule.match).map(({ leaf }) => leaf).filter((l) => typeof l.path === 'string') : []
  const choice = (leaf: LeafCondition) => {
    const named: unknown[] = Array.isArray(leaf.value) && leaf.value.length > 0 ? leaf.value : [leaf.value]
    return fc.oneof(fc.constantFrom(...named), fieldValue, fc.constant(undefined))
  }
  const base = bases.length > 0 ? fc.constantFrom(...bases) : inputArb
  return fc.tuple(base, fc.tuple(...targets.map(choice))).map(([b, picks]) => {
    const out = structuredClone(b)
    targets.forEach((leaf, i) => setPath(out, leaf.path!, picks[i]))
    return out
  })
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.replace(/^\$\.?/, '').split('.').filter((p) => p !== '')
  let cur: Record<string, unknown> = target
  parts.forEach((p, i) => {
    if (i === parts.length - 1) {
      if (value === undefined) delete cur[p]
      else cur[p] = value
      return
    }
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {}
    cur = cur[p] as Record<string, unknown>
  })
}
