import fs from 'node:fs'
import { loadConfig } from '../config.js'
import { cliGazetteers } from './cli-gazetteers.js'
import path from 'node:path'
import { loadTaxonomy } from '../taxonomy/taxonomy.js'
import { ALIASES_DIR, TAXONOMY_FILE } from '../paths.js'
import { checkRuleDir } from '../rules/rule-registry.js'
import { buildRuleSet } from '../rules/rule-set.js'
import { loadRuleDir, type RuleProblem } from '../rules/rule-loader.js'
import { diffRuleSets } from '../rules/rule-diff.js'
import { runRuleTests, type AlertOutcome, type RuleTestResult } from '../evaluate/rule-test-runner.js'

type Out = { write(s: string): unknown }

/** One problem as an editor can jump to it: `file:line:column  path  message`, the file under `dir`. */
export function formatProblem(p: RuleProblem, dir = ''): string {
  return `${path.join(dir, p.file)}:${p.line}:${p.column}  ${p.path || '-'}  ${p.message}`
}

/** `vigil rules check [dir]`: every problem of every file, then the warnings; exit 1 when there is a problem. */
export function rulesCheck(dir: string, out: Out, err: Out): number {
  const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
  const { files, problems, warnings } = checkRuleDir(dir, taxonomy)
  for (const p of problems) err.write(`${formatProblem(p, dir)}\n`)
  for (const w of warnings) err.write(`${formatProblem({ ...w, message: `warning: ${w.message}` }, dir)}\n`)
  const warned = warnings.length > 0 ? `, ${warnings.length} warning(s)` : ''
  out.write(`${files} rule file(s) checked, ${problems.length} problem(s)${warned}\n`)
  return problems.length === 0 ? 0 : 1
}

const outcome = (a: AlertOutcome) => `${a.indicator} ${a.level} ${a.grade} ${a.status}${a.count !== undefined ? ` count=${a.count}` : ''}`
  + `${a.responsible !== undefined ? ` responsible="${a.responsible}"` : ''}${a.acknowledgeWithin !== undefined ? ` acknowledgeWithin=${a.acknowledgeWithin}` : ''}`

/** Expected and actual alerts side by side, one per line. */
export function sideBySide(r: RuleTestResult): string {
  const left = r.expected.length > 0 ? r.expected.map(outcome) : ['(no alert)']
  const right = r.actual.length > 0 ? r.actual.map(outcome) : ['(no alert)']
  const width = Math.max(8, ...left.map((l) => l.length)) + 4
  const lines = [`      ${'expected'.padEnd(width)}actual`]
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    lines.push(`      ${(left[i] ?? '').padEnd(width)}${right[i] ?? ''}`)
  }
  return lines.join('\n')
}

/**
 * `vigil rules test [dir|file]`: runs the rules' tests through the real engine. A file is tested
 * against the whole rule set it belongs to (its folder's parent), since escalations need it.
 */
export async function rulesTest(target: string, out: Out, err: Out): Promise<number> {
  const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
  const isFile = fs.statSync(target).isFile()
  const dir = isFile ? path.dirname(path.dirname(target)) : target
  const { rules, problems, version } = checkRuleDir(dir, taxonomy)
  if (problems.length > 0) {
    for (const p of problems) err.write(`${formatProblem(p, dir)}\n`)
    err.write('the rules fail their check; fix that first (vigil rules check)\n')
    return 1
  }
  const set = buildRuleSet(rules, version, Date.now())
  const selected = isFile ? rules.filter((r) => path.resolve(dir, r.file) === path.resolve(target)) : rules
  // Test reports are placed with the service's gazetteers, so a MINUSCA test at a real site sees its kind.
  const gazetteers = cliGazetteers(loadConfig().gazetteerDir, err)
  const results = await runRuleTests(set, selected, taxonomy, gazetteers.place, gazetteers.set)
  let failed = 0
  for (const r of results) {
    if (r.ok) {
      out.write(`  ok    ${r.ruleId}  ${r.name}\n`)
      continue
    }
    failed++
    err.write(`  FAIL  ${r.ruleId}  ${r.name}  (${r.file})\n`)
    if (r.error) err.write(`      error: ${r.error}\n`)
    err.write(`${sideBySide(r)}\n`)
  }
  out.write(`rules: ${results.length - failed} passed, ${failed} failed\n`)
  return failed === 0 ? 0 : 1
}

/** `vigil rules diff <old-dir> <new-dir>`: what a rule change changes, for its reviewer. */
export function rulesDiff(oldDir: string, newDir: string, out: Out): number {
  const before = loadRuleDir(oldDir)
  const after = loadRuleDir(newDir)
  const lines = diffRuleSets(before.rules.map((r) => r.rule), after.rules.map((r) => r.rule))
  out.write(lines.length > 0 ? `${lines.join('\n')}\n` : 'no changes\n')
  return 0
}
