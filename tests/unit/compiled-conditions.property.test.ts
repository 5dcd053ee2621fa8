/**
 * Compiled conditions against the reference semantics, json-rules-engine 7.3 configured as vigil
 * configured it (tests/helpers/reference-engine.ts): generated rules (every operator, decorators,
 * nested all/any/not, fact references, present/missing/null/mistyped paths) and generated inputs,
 * aggregates and clocks must give the same match, the same winning threshold and the same
 * explanation, or fail to evaluate in both. More cases: VIGIL_PROPERTY_RUNS=100000; a failure
 * prints its seed and path, replayed with VIGIL_PROPERTY_SEED=<seed>.
 */
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileIndicator, type CompiledIndicator, type GradeOutcome } from '../../src/rules/compile-indicator.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import type { IndicatorRule } from '../../src/rules/rule-schema.js'
import type { TaxonomyWatch } from '../../src/rules/taxonomy-watch.js'
import { ALIASES_DIR, ROOT, STANDARD_RULES_DIR, TAXONOMY_FILE } from '../../src/paths.js'
import { loadTaxonomy } from '../../src/taxonomy/taxonomy.js'
import { referenceIndicator, type ReferenceIndicator } from '../helpers/reference-engine.js'
import { aggregatesArb, aggregatesFor, indicatorRule, inputArb, inputsFor, NOW_POOL, ruleArb } from '../helpers/condition-arbitraries.js'
import { envInt } from '../helpers/seeded.js'

const RUNS = envInt('VIGIL_PROPERTY_RUNS', 2000)
const SEED = envInt('VIGIL_PROPERTY_SEED', 20261205)
const scale = RUNS / 2000
const WATCH: TaxonomyWatch = { codes: ['HOS'], mitigating: ['ARM.AGREEMENT'] }

type Outcome = { threw: true } | { threw: false; value: unknown }

async function settle(fn: () => unknown): Promise<Outcome> {
  try {
    return { threw: false, value: await fn() }
  } catch {
    return { threw: true }
  }
}

const graded = (g: GradeOutcome | null) => g && { index: g.index, rank: g.rank, explanation: g.explanation }

/** What both forms of one rule decide for one input; counts how often each outcome came up. */
interface Pair { compiled: CompiledIndicator; reference: ReferenceIndicator }
const seen = { matched: 0, unmatched: 0, gradedSome: 0, gradedNone: 0, threw: 0 }

async function expectAgreement(pair: Pair, input: object, aggregates: Record<string, number | null>, now: number) {
  const refMatch = await settle(() => pair.reference.matches(input, now))
  const ownMatch = await settle(() => pair.compiled.matches(input, now))
  expect(ownMatch).toStrictEqual(refMatch)
  const refGrade = await settle(async () => graded(await pair.reference.grade(aggregates, input, now)))
  const ownGrade = await settle(() => graded(pair.compiled.grade(aggregates, input, now)))
  expect(ownGrade).toStrictEqual(refGrade)
  if (refMatch.threw || refGrade.threw) seen.threw++
  if (!refMatch.threw) seen[refMatch.value ? 'matched' : 'unmatched']++
  if (!refGrade.threw) seen[refGrade.value ? 'gradedSome' : 'gradedNone']++
}

function pairOf(rule: IndicatorRule, watch: TaxonomyWatch = WATCH): Pair {
  return { compiled: compileIndicator(rule, 'generated.yaml', watch), reference: referenceIndicator(rule) }
}

const nowArb = fc.constantFrom(...NOW_POOL)

describe('compiled conditions decide and explain as json-rules-engine', () => {
  it('on generated rules, inputs, aggregates and clocks', async () => {
    await fc.assert(fc.asyncProperty(ruleArb, fc.array(fc.tuple(inputArb, aggregatesArb, nowArb), { minLength: 1, maxLength: 3 }), async (rule, cases) => {
      const pair = pairOf(rule)
      for (const [input, aggregates, now] of cases) await expectAgreement(pair, input, aggregates, now)
    }), { numRuns: RUNS, seed: SEED })
    // Not vacuous: each outcome came up, failures to evaluate included.
    for (const [outcome, n] of Object.entries(seen)) expect(n, outcome).toBeGreaterThan(RUNS / 50)
  }, 60_000 * Math.max(1, scale))

  const dirs = [STANDARD_RULES_DIR, ...['old', 'new', 'failing', 'expiry-shorter-than-window'].map((d) => path.join(ROOT, 'tests/fixtures/rule-sets', d))]
  const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
  for (const dir of dirs) {
    it(`on every rule of ${path.relative(ROOT, dir)}, with inputs aimed at its match`, async () => {
      const checked = checkRuleDir(dir, taxonomy)
      expect(checked.problems).toEqual([])
      expect(checked.rules.length).toBeGreaterThan(0)
      for (const { rule, watch } of checked.rules) {
        const pair = pairOf(rule, watch)
        const bases = rule.input === 'reports' ? rule.tests.flatMap((t) => t.reports) : []
        await fc.assert(fc.asyncProperty(inputsFor(rule, bases), aggregatesFor(rule), nowArb, async (input, aggregates, now) => {
          await expectAgreement(pair, input, aggregates, now)
        }), { numRuns: Math.ceil(60 * scale), seed: SEED })
      }
    }, 60_000 * Math.max(1, scale))
  }
})

describe('compiled conditions', () => {
  const rule = (when: IndicatorRule['alerts'][number]['when'], match?: IndicatorRule['match']) =>
    indicatorRule({ input: 'reports', alerts: [{ level: 'tactical', grade: 'low', when }], ...(match ? { match } : {}) })
  const now = NOW_POOL[0]!

  it('answer with plain values, not promises', () => {
    const ind = compileIndicator(rule({ fact: 'count', operator: 'greaterThanInclusive', value: 2 }, { fact: 'report', path: 'n', operator: 'equal', value: 1 }), 'x.yaml', WATCH)
    expect(ind.matches({ n: 1 }, now)).toBe(true)
    expect(ind.matches({ n: 2 }, now)).toBe(false)
    expect(ind.grade({ count: 1 }, {}, now)).toBeNull()
    expect(ind.grade({ count: 2 }, {}, now)).toStrictEqual({
      threshold: ind.rule.alerts[0], index: 0, rank: 0,
      explanation: { all: [{ fact: 'count', operator: 'greaterThanInclusive', value: 2, factResult: 2, result: true }], result: true },
    })
  })

  it('hold an empty any, which the explanation shows as false (as the engine did)', async () => {
    const pair = pairOf(rule({ any: [] }))
    expect(pair.compiled.grade({}, {}, now)?.explanation).toStrictEqual({ any: [], result: false })
    await expectAgreement(pair, {}, {}, now)
  })

  it('evaluate every leaf: an operator that throws fails the evaluation though another branch decided it', async () => {
    const pair = pairOf(rule({ any: [{ fact: 'count', operator: 'greaterThanInclusive', value: 0 }, { fact: 'count', operator: 'in', value: 5 }] }))
    expect(() => pair.compiled.grade({ count: 1 }, {}, now)).toThrow(TypeError)
    await expectAgreement(pair, {}, { count: 1 }, now)
  })

  it('fail an unknown operator when evaluated, not when built', async () => {
    const pair = pairOf(rule({ fact: 'count', operator: 'someFact:bogus', value: 1 }))
    expect(() => pair.compiled.grade({ count: 1 }, {}, now)).toThrow(/Unknown operator/)
    await expectAgreement(pair, {}, { count: 1 }, now)
  })

  it('give a fact that is no object, read with a path, whole', async () => {
    const pair = pairOf(rule({ fact: 'count', path: 'x.y', operator: 'equal', value: 3 }))
    expect(pair.compiled.grade({ count: 3 }, {}, now)?.index).toBe(0)
    await expectAgreement(pair, {}, { count: 3 }, now)
  })

  it('take the first in the file of two satisfied thresholds of equal rank', () => {
    const when = { fact: 'count', operator: 'greaterThanInclusive', value: 1 }
    const ind = compileIndicator(indicatorRule({ input: 'reports', alerts: [
      { level: 'tactical', grade: 'low', when: { fact: 'count', operator: 'greaterThanInclusive', value: 5 } },
      { level: 'tactical', grade: 'high', when: { all: [when] } },
      { level: 'tactical', grade: 'high', when },
    ] }), 'x.yaml', WATCH)
    expect(ind.grade({ count: 6 }, {}, now)?.index).toBe(1)
  })
})
