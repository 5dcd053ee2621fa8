import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { rulesCheck, rulesDiff, rulesTest } from '../../src/cli/rules-commands.js'
import { loadBadFixtures, placeFixtures, RULE_SETS_DIR } from '../helpers/rule-fixtures.js'

/** An output stream that keeps what was written. */
function sink() {
  const out = { text: '', write(s: string) { out.text += s; return true } }
  return out
}

const set = (name: string) => path.join(RULE_SETS_DIR, name)

describe('vigil rules check', () => {
  it('passes a clean set', () => {
    const out = sink()
    const err = sink()
    expect(rulesCheck(set('new'), out, err)).toBe(0)
    expect(out.text).toBe('3 rule file(s) checked, 0 problem(s)\n')
    expect(err.text).toBe('')
  })

  it('prints every problem of the broken corpus at once, each as file:line:column path message', () => {
    const fixtures = loadBadFixtures()
    const dir = placeFixtures(fixtures)
    const out = sink()
    const err = sink()
    expect(rulesCheck(dir, out, err)).toBe(1)
    const all = err.text.trimEnd().split('\n')
    // Warnings follow the problems; the one stable rule that loads also has no validation record.
    expect(all.filter((l) => l.includes('  warning: ')).map((l) => l.slice(dir.length + 1))).toEqual([
      'hostile-acts/HOS-912-stable-without-tests.yaml:5:9  status  warning: a stable rule with no validation record: measure it (vigil calibrate --write) or make it test',
    ])
    const lines = all.filter((l) => !l.includes('  warning: '))
    const total = fixtures.reduce((n, f) => n + f.expect.length, 0)
    expect(lines).toHaveLength(total)
    for (const f of fixtures) {
      for (const e of f.expect) {
        const head = `${path.join(dir, f.file)}:${e.line}:${e.column}  ${e.path || '-'}  `
        expect(lines.some((l) => l.startsWith(head) && l.includes(e.message)), `${f.name}: ${head}${e.message}`).toBe(true)
      }
    }
    expect(out.text).toMatch(new RegExp(`rule file\\(s\\) checked, ${total} problem\\(s\\), 1 warning\\(s\\)\\n$`))
  })
})

describe('vigil rules test', () => {
  it('passes on good rules, one line per test in file order', async () => {
    const out = sink()
    const err = sink()
    expect(await rulesTest(set('new'), out, err)).toBe(0)
    expect(out.text).toBe([
      '  ok    HOS-801  two IEDs on one route raise an operational high alert',
      '  ok    HOS-801  a peacekeeper killed makes it critical',
      '  ok    COM-801  three clashes in Gao raise a tactical high alert',
      '  ok    COM-801  two clashes raise nothing',
      'rules: 4 passed, 0 failed',
      '',
    ].join('\n'))
    expect(err.text).toBe('')
  })

  it('prints expected and actual side by side for a failing test, and fails', async () => {
    const out = sink()
    const err = sink()
    expect(await rulesTest(set('failing'), out, err)).toBe(1)
    expect(out.text).toBe('  ok    HOS-802  one IED raises nothing\nrules: 1 passed, 1 failed\n')
    expect(err.text).toBe([
      '  FAIL  HOS-802  two IEDs were expected to be operational high  (hostile-acts/HOS-802-ied-pair.yaml)',
      '      expected                         actual',
      '      HOS-802 operational high open    HOS-802 tactical medium open count=2',
      '',
    ].join('\n'))
  })

  it('tests one file against the whole set it belongs to', async () => {
    const out = sink()
    expect(await rulesTest(path.join(set('new'), 'hostile-acts/HOS-801-ied-cluster.yaml'), out, sink())).toBe(0)
    expect(out.text).toContain('rules: 2 passed, 0 failed')
    expect(out.text).not.toContain('COM-801')
  })

  it('refuses to run the tests of rules that fail their check', async () => {
    const fixture = loadBadFixtures().find((f) => f.name === 'unknown-operator')!
    const err = sink()
    expect(await rulesTest(placeFixtures([fixture]), sink(), err)).toBe(1)
    expect(err.text).toContain(':17:21  alerts.0.when.all.0.operator  unknown operator')
    expect(err.text).toContain('the rules fail their check; fix that first (vigil rules check)')
  })
})

describe('vigil rules diff', () => {
  it('shows indicators added and removed and the thresholds that changed between two sets', () => {
    const out = sink()
    expect(rulesDiff(set('old'), set('new'), out)).toBe(0)
    expect(out.text).toBe([
      '- ARM-801  removed: Armed group massing in a region',
      '+ COM-801  added: Inter-communal clashes in a district (experimental; tactical high)',
      '~ HOS-801  version: 1 -> 2',
      '~ HOS-801  threshold 0 condition: count >= 3 -> count >= 2',
      '~ HOS-801  threshold 1 added: operational critical when count >= 2 and unKilled >= 1',
      '~ HOS-801  tests: 1 -> 2',
      '',
    ].join('\n'))
  })

  it('says so when nothing changed', () => {
    const out = sink()
    rulesDiff(set('new'), set('new'), out)
    expect(out.text).toBe('no changes\n')
  })
})
