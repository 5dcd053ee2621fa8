import { createHash } from 'node:crypto'
import type { IndicatorRule, RuleValidation } from './rule-schema.js'
import type { LoadedRule, RuleProblem } from './rule-loader.js'

/**
 * A rule's status is earned by measured skill: a `stable` rule should carry a validation record
 * (vigil calibrate --write) of the rule as it is now. The record names the rule's version and a
 * hash of its content without the record; a rule changed since has a stale record.
 */

/** Keys in a stable order at every depth: the same rule always hashes the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
  }
  return value
}

/**
 * Hash of the rule's content (as parsed, so formatting and comments do not count), without its
 * validation block and its status: the status is the verdict drawn from the record (it changes
 * no evaluation), so promoting or demoting a rule must not make its record stale.
 */
export function ruleContentHash(rule: IndicatorRule): string {
  const { validation: _v, $schema: _s, status: _st, ...rest } = rule
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex').slice(0, 12)
}

/**
 * Whether a record shows skill, the bar a `stable` rule must clear (rules/README.md, "Status
 * lifecycle"): better than chance (the lift's 95% interval above 1) and no worse than the rule
 * of thumb (lift at least persistence's: skill vs persistence >= 1). No warning at all is no skill.
 */
export function showsSkill(f: RuleValidation['figures']): boolean {
  return f.liftLow !== null && f.liftLow > 1 && f.skillVsPersistence !== null && f.skillVsPersistence >= 1
}

const shown = (x: number | null) => (x === null ? 'n/a' : String(x))

/** The warnings of `rules check` about validation records: missing on a stable rule, stale, or showing no skill on a stable rule. */
export function validationWarnings(rules: readonly LoadedRule[]): RuleProblem[] {
  const out: RuleProblem[] = []
  for (const r of rules) {
    const v = r.rule.validation
    if (!v) {
      if (r.rule.status === 'stable') {
        out.push({ file: r.file, ...r.locate(['status']), path: 'status', message: 'a stable rule with no validation record: measure it (vigil calibrate --write) or make it test' })
      }
      continue
    }
    const stale = v.ruleVersion !== r.rule.version
      ? `it measured version ${v.ruleVersion}, the rule is version ${r.rule.version}`
      : v.contentHash !== ruleContentHash(r.rule) ? 'the rule changed since it was measured (content hash differs)' : null
    if (stale) out.push({ file: r.file, ...r.locate(['validation']), path: 'validation', message: `stale validation record: ${stale}; measure it again (vigil calibrate --write)` })
    else if (r.rule.status === 'stable' && !showsSkill(v.figures)) {
      const f = v.figures
      out.push({
        file: r.file, ...r.locate(['status']), path: 'status',
        message: `a stable rule whose validation record shows no skill (lift ${shown(f.lift)}, 95% interval ${shown(f.liftLow)}-${shown(f.liftHigh)}, `
          + `skill vs persistence ${shown(f.skillVsPersistence)}; stable needs the interval above 1 and skill at least 1): make it test, or improve it and measure it again`,
      })
    }
  }
  return out
}
