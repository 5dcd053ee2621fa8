import { describe, expect, it } from 'vitest'
import { taxonomy } from '../helpers/test-app.js'
import { loadBadFixtures, placeFixtures, type BadFixture } from '../helpers/rule-fixtures.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import type { RuleProblem } from '../../src/rules/rule-loader.js'

const fixtures = loadBadFixtures()

/**
 * Pairs each expectation of a fixture with a distinct problem of its file at that line, column
 * and path whose message holds the expected text; returns what is left over on either side.
 */
function unmatched(fixture: BadFixture, problems: RuleProblem[]) {
  const left = problems.filter((p) => p.file === fixture.file)
  const missing = fixture.expect.filter((e) => {
    const i = left.findIndex((p) => p.line === e.line && p.column === e.column && p.path === e.path && p.message.includes(e.message))
    if (i >= 0) left.splice(i, 1)
    return i < 0
  })
  return { missing, unexpected: left }
}

describe('the corpus of broken rule files (tests/fixtures/rules/*.bad.yaml)', () => {
  it('covers every kind of mistake the checker must catch', () => {
    expect(fixtures.map((f) => f.name)).toEqual(expect.arrayContaining([
      'yaml-syntax', 'unknown-field', 'missing-field', 'bad-duration', 'unknown-taxonomy-code', 'unknown-fact',
      'unknown-operator', 'unknown-report-path', 'bad-params', 'duplicate-id', 'deprecated-id-reused',
      'stable-without-tests', 'unreachable-threshold', 'negative-on-optional', 'wrong-folder', 'file-name', 'bad-regex',
      'max-duration-shorter-than-expires', 'neighbours-without-admin1',
    ]))
    for (const f of fixtures) expect(f.expect.length, f.name).toBeGreaterThan(0)
  })

  it.each(fixtures.map((f) => [f.name, f] as const))('%s: alone in a rules directory, gives exactly the expected problems at their positions', (_name, fixture) => {
    const { problems } = checkRuleDir(placeFixtures([fixture]), taxonomy)
    expect(unmatched(fixture, problems)).toEqual({ missing: [], unexpected: [] })
    // Nothing is reported against the good files placed beside it.
    expect(problems.filter((p) => p.file !== fixture.file)).toEqual([])
  })

  it('reports every problem of every file together, in one check of one directory', () => {
    const { rules, problems } = checkRuleDir(placeFixtures(fixtures), taxonomy)
    for (const f of fixtures) expect(unmatched(f, problems), f.name).toEqual({ missing: [], unexpected: [] })
    expect(problems).toHaveLength(fixtures.reduce((n, f) => n + f.expect.length, 0))
    // Sorted by file, then position, so an editor (or a reviewer) walks them in order.
    const keys = problems.map((p) => [p.file, p.line, p.column] as const)
    expect(keys).toEqual([...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]))
    // The schema-valid files still load (a duplicate's first holder among them); the broken ones are reported, not thrown.
    expect(rules.map((r) => r.rule.id)).toContain('HOS-910')
  })
})
