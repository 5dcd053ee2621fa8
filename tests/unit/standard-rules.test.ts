import { loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
import { GAZETTEER_DIR } from '../../src/paths.js'
import { placeIn } from '../../src/reports/report-place.js'
import { describe, expect, it } from 'vitest'
import { taxonomy } from '../helpers/test-app.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import { runRuleTests } from '../../src/evaluate/rule-test-runner.js'
import { STANDARD_RULES_DIR } from '../../src/paths.js'

const checked = checkRuleDir(STANDARD_RULES_DIR, taxonomy)

describe('the standard indicator library (rules/)', () => {
  it('passes the rule check', () => {
    expect(checked.problems).toEqual([])
  })

  it('has at least 24 indicators covering every top category, safety and health included, and the escalations', () => {
    expect(checked.rules.length).toBeGreaterThanOrEqual(24)
    const prefixes = new Set(checked.rules.map((r) => r.rule.id.slice(0, 3)))
    expect([...prefixes].sort()).toEqual(['ARM', 'COM', 'CRM', 'ESC', 'HLT', 'HOS', 'POC', 'SAF', 'UNR'])
    expect(checked.rules.filter((r) => r.rule.input === 'alerts').length).toBeGreaterThanOrEqual(2)
    const levels = new Set(checked.rules.flatMap((r) => r.rule.alerts.map((a) => a.level)))
    expect([...levels].sort()).toEqual(['operational', 'strategic', 'tactical'])
  })

  it('gives every indicator at least two tests: one that fires and one that does not', () => {
    for (const { rule } of checked.rules) {
      expect(rule.tests.length, rule.id).toBeGreaterThanOrEqual(2)
      expect(rule.tests.some((t) => t.expect.length > 0), `${rule.id} has no firing test`).toBe(true)
      expect(rule.tests.some((t) => t.expect.filter((e) => (e.indicator ?? rule.id) === rule.id).length === 0), `${rule.id} has no quiet test`).toBe(true)
    }
  })

  it('gives every indicator a response of its own, and every threshold of HOS-008 and HLT-004 (the casualty indicators) one', () => {
    const explicit = (r: (typeof checked.rules)[number]['rule']['alerts'][number]['response']) => Boolean(r?.actions?.length && r.responsible)
    expect(checked.rules.filter(({ rule }) => !rule.alerts.some((a) => explicit(a.response))).map(({ rule }) => rule.id)).toEqual([])
    for (const id of ['HOS-008', 'HLT-004']) {
      const rule = checked.rules.find((r) => r.rule.id === id)!.rule
      expect(rule.alerts.map((a) => explicit(a.response)), id).toEqual(rule.alerts.map(() => true))
    }
  })

  it('passes every indicator test through the real engine', async () => {
    const set = buildRuleSet(checked.rules, checked.version, 0)
    // Placed with the shipped gazetteers, as `npm run rules:test` places them.
    const gazetteers = loadGazetteers(GAZETTEER_DIR).set!
    const results = await runRuleTests(set, checked.rules, taxonomy, (mission, location) => placeIn(gazetteers.get(mission), location), gazetteers)
    const failed = results.filter((r) => !r.ok).map((r) => `${r.ruleId}: ${r.name}: ${r.error ?? JSON.stringify({ expected: r.expected, actual: r.actual })}`)
    expect(failed).toEqual([])
    expect(results.length).toBeGreaterThanOrEqual(48)
  }, 120_000)
})
