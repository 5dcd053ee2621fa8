import type { Taxonomy } from '../taxonomy/taxonomy.js'
import { parseRuleText, type LoadedRule, type RuleProblem } from './rule-loader.js'
import { checkRuleSet, RULE_FOLDERS } from './rule-check.js'
import { resolveWatch } from './taxonomy-watch.js'

/**
 * Where a draft would live if it were a file: its folder and a name starting with its id, so the
 * placement checks (which only make sense for files) hold and every other check applies as is.
 */
function draftFile(id: string): string {
  return `${RULE_FOLDERS[id.slice(0, 3)] ?? 'draft'}/${id}-draft.yaml`
}

/** The draft's text: YAML or JSON as sent, or an object written out as JSON (still positioned). */
function draftText(input: string | object): string {
  return typeof input === 'string' ? input : JSON.stringify(input, null, 2)
}

/**
 * Checks a draft rule exactly as a rule file is checked: the schema, then its meaning, then
 * against the live set it would join (it replaces the live rule with its id, or is added), with
 * deprecated ids still reserved. Problems are positioned in the draft's text.
 */
export function checkDraftRule(
  input: string | object, live: readonly LoadedRule[], taxonomy: Taxonomy, deprecatedIds: Map<string, string>,
): { rule: LoadedRule } | { problems: RuleProblem[] } {
  const text = draftText(input)
  const parsed = parseRuleText('draft', text)
  if ('problems' in parsed) return parsed
  const rule: LoadedRule = { ...parsed.rule, file: draftFile(parsed.rule.rule.id) }
  const others = live.filter((r) => r.rule.id !== rule.rule.id)
  const problems = checkRuleSet([...others, rule], taxonomy, deprecatedIds)
    .filter((p) => p.file === rule.file)
    .map((p) => ({ ...p, file: 'draft' }))
  return problems.length > 0 ? { problems } : { rule: { ...rule, watch: resolveWatch(rule.rule, taxonomy) } }
}
