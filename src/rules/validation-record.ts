import { createHash } from 'node:crypto'
import type { IndicatorRule } from './rule-schema.js'
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

/** Hash of the rule's content (as parsed, so formatting and comments do not count), without its validation block. */
export function ruleContentHash(rule: IndicatorRule): string {
  const { validation: _v, $schema: _s, ...rest } = rule
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex').slice(0, 12)
}

/** The warnings of `rules check` about validation records: missing on a stable rule, or stale. */
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
  }
  return out
}
