import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { rulesCheck } from '../../src/cli/rules-commands.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { loadTaxonomy } from '../../src/taxonomy/taxonomy.js'
import { ALIASES_DIR, ROOT, TAXONOMY_FILE } from '../../src/paths.js'
import { RULE_SETS_DIR } from '../helpers/rule-fixtures.js'

function sink() {
  const out = { text: '', write(s: string) { out.text += s; return true } }
  return out
}

describe('rules check warnings', () => {
  it('warns, positioned at expires, when an expiry is shorter than the window, and still passes the set', () => {
    const dir = path.join(RULE_SETS_DIR, 'expiry-shorter-than-window')
    const out = sink()
    const err = sink()
    expect(rulesCheck(dir, out, err)).toBe(0)
    expect(err.text).toBe(`${path.join(dir, 'inter-communal/COM-803-clashes-with-short-expiry.yaml')}:11:10  expires  warning: `
      + 'expires (7d) is shorter than window (14d): a report after the alert expired raises a second alert that counts the first '
      + "one's reports again; make expires at least 14d, or say in the description why a quiet spell ends the situation\n")
    expect(out.text).toBe('1 rule file(s) checked, 0 problem(s), 1 warning(s)\n')
  })

  it('finds nothing to warn about in the standard library: every stable rule has a fresh validation record that shows skill', () => {
    const checked = checkRuleDir(path.join(ROOT, 'rules'), loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR))
    expect(checked.problems).toEqual([])
    expect(checked.warnings.map((w) => `${w.file} ${w.path} ${w.message}`)).toEqual([])
    const stable = checked.rules.filter((r) => r.rule.status === 'stable')
    expect(stable.length).toBeGreaterThan(0)
    for (const r of stable) expect(r.rule.validation, r.file).toBeDefined()
  })
})
