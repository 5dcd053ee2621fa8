import { closestCodes, type Taxonomy } from '../taxonomy/taxonomy.js'
import { validationWarnings } from './validation-record.js'
import { didYouMean } from './did-you-mean.js'
import {
  AGGREGATE_FACTS, COLUMN_FIELDS, INPUT_FACT, TREND_MEASURES, isAggregateFact, leaves,
} from './facts.js'
import { isKnownOperator, KNOWN_OPERATORS, NEGATIVE_OPERATORS } from './operators.js'
import { DURATION_PATTERN, durationMs, type Condition, type CrosswalkSelector, type IndicatorRule, type LeafCondition } from './rule-schema.js'
import { ALERT_PATHS, OPTIONAL_ALERT_PATHS, OPTIONAL_REPORT_PATHS, REPORT_PATHS, isKnownPath } from './input-fields.js'
import { findUnreachableThresholds } from './unreachable-thresholds.js'
import { CROSSWALK_KEYS, crosswalkValuesOf, resolveWatch, selectedCodes } from './taxonomy-watch.js'
import { compileRulePattern } from './rule-regex.js'
import type { LoadedRule, RuleProblem } from './rule-loader.js'
import { resolveResponse } from '../alerts/response.js'

/** Rule folders by id prefix: one folder per top taxonomy category, plus escalation. */
export const RULE_FOLDERS: Record<string, string> = {
  HOS: 'hostile-acts',
  POC: 'protection-of-civilians',
  ARM: 'armed-conflict',
  COM: 'inter-communal',
  CRM: 'criminality',
  UNR: 'civil-unrest',
  SAF: 'safety',
  HLT: 'health',
  ESC: 'escalation',
}

const NUMERIC_OPERATORS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'])
const LIST_OPERATORS = new Set(['in', 'notIn', 'intersects'])

type Report = (path: (string | number)[], message: string) => void

function checkValue(leaf: LeafCondition, report: Report, at: (string | number)[]) {
  const op = leaf.operator.split(':').pop()!
  const v = leaf.value
  const isRef = v !== null && typeof v === 'object' && !Array.isArray(v) && 'fact' in v
  if (isRef) return
  if (NUMERIC_OPERATORS.has(op) && typeof v !== 'number') report([...at, 'value'], `${op} needs a number`)
  if (LIST_OPERATORS.has(op) && !Array.isArray(v)) report([...at, 'value'], `${op} needs a list of values`)
  if (op === 'between' && !(Array.isArray(v) && v.length === 2)) report([...at, 'value'], 'between needs [min, max]')
  if (op === 'exists' && typeof v !== 'boolean') report([...at, 'value'], 'exists needs true or false')
  if (op === 'withinDays' && !(typeof v === 'number' && v > 0)) report([...at, 'value'], 'withinDays needs a number of days')
  if (op === 'matches') {
    try {
      compileRulePattern(String(v))
    } catch (err) {
      report([...at, 'value'], `bad regular expression: ${(err as Error).message}`)
    }
  }
}

function checkParams(leaf: LeafCondition, taxonomy: Taxonomy, report: Report, at: (string | number)[]) {
  if (!isAggregateFact(leaf.fact)) {
    if (leaf.params) report([...at, 'params'], `${leaf.fact} takes no params`)
    return
  }
  const spec = AGGREGATE_FACTS[leaf.fact]
  const params = leaf.params ?? {}
  for (const name of Object.keys(params)) {
    if (!(spec.params as readonly string[]).includes(name)) {
      report([...at, 'params', name], `${leaf.fact} has no param '${name}' (it takes: ${spec.params.join(', ')})`)
    }
  }
  for (const name of spec.required) {
    if (typeof params[name] !== 'string' || params[name] === '') report([...at, 'params'], `${leaf.fact} needs params.${name}`)
  }
  if (params.window !== undefined && !(typeof params.window === 'string' && DURATION_PATTERN.test(params.window))) {
    report([...at, 'params', 'window'], 'a duration such as 72h, 14d or 2w')
  }
  if (params.category !== undefined && !(typeof params.category === 'string' && isTaxonomyCode(taxonomy, params.category))) {
    report([...at, 'params', 'category'], unknownCode(taxonomy, String(params.category)))
  }
  if ((leaf.fact === 'trend' || leaf.fact === 'baseline') && params.measure !== undefined && !(TREND_MEASURES as readonly string[]).includes(String(params.measure))) {
    report([...at, 'params', 'measure'], `trend measures one of: ${TREND_MEASURES.join(', ')}`)
  }
  if (leaf.fact === 'distinct' && typeof params.field === 'string' && !(COLUMN_FIELDS as readonly string[]).includes(params.field)
    && !isKnownPath(params.field, REPORT_PATHS)) {
    report([...at, 'params', 'field'], `unknown field '${params.field}'`)
  }
  if (leaf.fact === 'sum' && typeof params.path === 'string' && !isKnownPath(params.path, REPORT_PATHS)) {
    report([...at, 'params', 'path'], `unknown field '${params.path}'`)
  }
}

/** A crosswalk selector names values the taxonomy uses, and selects at least one code. */
function checkSelector(sel: CrosswalkSelector, taxonomy: Taxonomy, report: Report) {
  const keys = CROSSWALK_KEYS.filter((k) => sel[k] !== undefined)
  if (keys.length === 0) return report([], `a crosswalk selector names at least one of: ${CROSSWALK_KEYS.join(', ')}`)
  let known = true
  for (const k of keys) {
    const values = crosswalkValuesOf(taxonomy, k)
    if (!values.includes(sel[k]!)) {
      known = false
      const cased = values.find((v) => v.toLowerCase() === sel[k]!.toLowerCase())
      const hint = cased ? ` (did you mean '${cased}'?)` : didYouMean(sel[k]!, values)
      report([k], `no taxonomy code has ${k} '${sel[k]}'${hint}; the taxonomy uses: ${values.join(', ')}`)
    }
  }
  if (known && selectedCodes(taxonomy, sel).length === 0) report([], `no taxonomy code has ${keys.map((k) => `${k} '${sel[k]}'`).join(' and ')}`)
}

function isTaxonomyCode(taxonomy: Taxonomy, code: string): boolean {
  return taxonomy.codes.has(code) || taxonomy.tops.has(code)
}

/** The message for a code the taxonomy lacks: the codes of its top category, or the nearest codes. */
function unknownCode(taxonomy: Taxonomy, code: string): string {
  const top = code.split('.')[0]!
  const siblings = [...taxonomy.codes.keys()].filter((c) => c.startsWith(`${top}.`))
  return siblings.length > 0 && code !== top
    ? `unknown taxonomy code '${code}'; ${top} has: ${siblings.join(', ')}`
    : `unknown taxonomy code '${code}'; closest: ${closestCodes(taxonomy, code, '').join(', ')}`
}

/** Leaves of a negative operator on an optional field with no `exists: true` beside them. */
function negativeOnOptional(cond: Condition, optional: Set<string>, at: (string | number)[], report: Report) {
  if ('all' in cond) {
    const guarded = new Set(cond.all.filter((c): c is LeafCondition => 'fact' in c && c.operator === 'exists' && c.value === true)
      .map((c) => c.path ?? ''))
    cond.all.forEach((c, i) => {
      if ('fact' in c && guarded.has(c.path ?? '')) return
      negativeOnOptional(c, optional, [...at, 'all', i], report)
    })
    return
  }
  if ('any' in cond) return cond.any.forEach((c, i) => negativeOnOptional(c, optional, [...at, 'any', i], report))
  if ('not' in cond) return negativeOnOptional(cond.not, optional, [...at, 'not'], report)
  const op = cond.operator.split(':').pop()!
  const path = (cond.path ?? '').replace(/^\$\.?/, '')
  if (NEGATIVE_OPERATORS.has(op) && optional.has(path)) {
    report([...at, 'operator'], `${op} on optional field ${path} also holds when the field is missing; `
      + `add { fact: ${cond.fact}, path: ${path}, operator: exists, value: true } beside it`)
  }
}

function checkCondition(
  cond: Condition, where: 'match' | 'when', rule: LoadedRule, taxonomy: Taxonomy, report: Report, base: (string | number)[],
) {
  const inputFact = INPUT_FACT[rule.rule.input]
  const paths = rule.rule.input === 'reports' ? REPORT_PATHS : ALERT_PATHS
  for (const { leaf, at } of leaves(cond)) {
    const p = [...base, ...(at ? at.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x)) : [])]
    const allowed = where === 'match' ? [inputFact] : [inputFact, ...Object.keys(AGGREGATE_FACTS)]
    if (!allowed.includes(leaf.fact)) {
      report([...p, 'fact'], `unknown fact '${leaf.fact}' in ${where}${didYouMean(leaf.fact, allowed)}; known: ${allowed.join(', ')}`)
      continue
    }
    if (!isKnownOperator(leaf.operator)) {
      report([...p, 'operator'], `unknown operator '${leaf.operator}'${didYouMean(leaf.operator.split(':').pop()!, KNOWN_OPERATORS)}`)
    }
    if (leaf.fact === inputFact) {
      if (!leaf.path) report(p, `a condition on ${inputFact} needs a path, e.g. location.route`)
      else if (!isKnownPath(leaf.path, paths)) report([...p, 'path'], `unknown ${inputFact} field '${leaf.path}'${didYouMean(leaf.path, paths)}`)
    } else if (leaf.path) {
      report([...p, 'path'], `${leaf.fact} is a number; it takes no path`)
    }
    checkValue(leaf, report, p)
    checkParams(leaf, taxonomy, report, p)
  }
  negativeOnOptional(cond, rule.rule.input === 'reports' ? OPTIONAL_REPORT_PATHS : OPTIONAL_ALERT_PATHS, base, report)
}

/**
 * A threshold's response, as it will apply with the level's defaults: acting before acknowledging
 * makes no sense, and two actions that say the same thing are one.
 */
function checkResponse(t: IndicatorRule['alerts'][number], at: (string | number)[], report: Report) {
  if (!t.response) return
  const r = resolveResponse(t.response, t.level, t.grade)
  if (durationMs(r.actWithin) < durationMs(r.acknowledgeWithin)) {
    const field = t.response.actWithin !== undefined ? 'actWithin' : 'acknowledgeWithin'
    report([...at, field], `actWithin (${r.actWithin}${t.response.actWithin === undefined ? ', the default' : ''}) is shorter than acknowledgeWithin `
      + `(${r.acknowledgeWithin}${t.response.acknowledgeWithin === undefined ? ', the default' : ''}): an alert is acknowledged before it is acted on`)
  }
  const seen = new Set<string>()
  t.response.actions?.forEach((a, i) => {
    const key = a.toLowerCase()
    if (seen.has(key)) report([...at, 'actions', i], `action '${a}' is listed twice`)
    seen.add(key)
  })
}

/** Every meaning problem of one schema-valid rule (the checks after the schema). */
export function checkRule(rule: LoadedRule, taxonomy: Taxonomy): RuleProblem[] {
  const problems: RuleProblem[] = []
  const report: Report = (path, message) => {
    problems.push({ file: rule.file, ...rule.locate(path), path: path.join('.'), message })
  }
  const r = rule.rule
  const prefix = r.id.slice(0, 3)
  const folder = RULE_FOLDERS[prefix]
  if (!folder) report(['id'], `id prefix ${prefix} is not a rule category (${Object.keys(RULE_FOLDERS).join(', ')})`)
  else if (rule.file.split('/')[0] !== folder) report(['id'], `rule ${r.id} belongs in ${folder}/`)
  const base = rule.file.split('/').pop()!
  if (!base.startsWith(`${r.id}-`) && !base.startsWith(`${r.id}.`)) report(['id'], `file name must start with the id: ${r.id}-<short-name>.yaml`)
  if (r.status === 'deprecated') report(['status'], 'a deprecated rule goes in deprecated/, where it is never loaded')
  // Shown at the status: the fix is adding tests, or keeping the rule experimental until it has some.
  if (r.status === 'stable' && r.tests.length === 0) report(['status'], 'a stable rule needs tests; add tests, or keep it experimental or test until it has some')

  r.taxonomy.forEach((entry, i) => {
    if (typeof entry !== 'string') checkSelector(entry, taxonomy, (p, m) => report(['taxonomy', i, ...p], m))
    else if (!isTaxonomyCode(taxonomy, entry)) report(['taxonomy', i], unknownCode(taxonomy, entry))
  })
  const weighs = r.alerts.some((t) => leaves(t.when).some(({ leaf }) => leaf.fact === 'mitigating'))
  if (weighs && resolveWatch(r, taxonomy).mitigating.length === 0) {
    const codes = [...taxonomy.codes.values()].filter((s) => s.polarity === 'mitigating').map((s) => s.code)
    report(['taxonomy'], `the thresholds weigh mitigating reports, but the rule watches no mitigating code; add one to taxonomy (${codes.join(', ')})`)
  }
  if (r.maxDuration !== undefined && durationMs(r.maxDuration) < durationMs(r.expires)) {
    report(['maxDuration'], `maxDuration (${r.maxDuration}) is shorter than expires (${r.expires}): every alert would end at its cap, never by quiet; make it at least ${r.expires}`)
  }
  if (!r.scope.groupBy.includes('admin1')) {
    r.alerts.forEach((t, i) => leaves(t.when).filter(({ leaf }) => leaf.fact === 'neighbourAreasWithEvents').forEach(({ at }) => {
      const where = ['alerts', i, 'when', ...at.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))]
      report([...where, 'fact'], 'neighbourAreasWithEvents counts the areas bordering the alert\'s own: group the rule by admin1 (scope: { groupBy: [admin1] })')
    }))
  }
  if (r.scope.radiusKm !== undefined && r.scope.groupBy.includes('report')) {
    report(['scope', 'radiusKm'], 'a radius means nothing when each report is its own group')
  }
  if (r.match) checkCondition(r.match, 'match', rule, taxonomy, report, ['match'])
  r.alerts.forEach((t, i) => checkCondition(t.when, 'when', rule, taxonomy, report, ['alerts', i, 'when']))
  for (const u of findUnreachableThresholds(r.alerts)) {
    report(['alerts', u.index], `threshold ${u.index} (${r.alerts[u.index]!.level} ${r.alerts[u.index]!.grade}) can never be the highest `
      + `satisfied: whenever it holds, threshold ${u.by} (${r.alerts[u.by]!.level} ${r.alerts[u.by]!.grade}) holds too`)
  }
  r.alerts.forEach((t, i) => checkResponse(t, ['alerts', i, 'response'], report))
  r.tests.forEach((t, i) => t.expect.forEach((e, j) => {
    if (e.indicator !== undefined && !/^[A-Z]{3}-\d{3}[a-z]?$/.test(e.indicator)) report(['tests', i, 'expect', j, 'indicator'], 'not an indicator id')
  }))
  return problems
}

/**
 * Checks a whole rule set: each rule's meaning, plus what only the set shows (duplicate ids, an
 * id still held by a deprecated rule, a test naming an indicator that does not exist).
 */
export function checkRuleSet(rules: LoadedRule[], taxonomy: Taxonomy, deprecatedIds: Map<string, string> = new Map()): RuleProblem[] {
  const problems = rules.flatMap((r) => checkRule(r, taxonomy))
  const seen = new Map<string, string>()
  for (const r of rules) {
    const at = { file: r.file, ...r.locate(['id']), path: 'id' }
    const first = seen.get(r.rule.id)
    if (first) problems.push({ ...at, message: `duplicate id ${r.rule.id} (also in ${first})` })
    else seen.set(r.rule.id, r.file)
    const dep = deprecatedIds.get(r.rule.id)
    if (dep) problems.push({ ...at, message: `id ${r.rule.id} belongs to the deprecated rule ${dep}; ids are never reused` })
  }
  for (const r of rules) {
    r.rule.tests.forEach((t, i) => t.expect.forEach((e, j) => {
      if (e.indicator !== undefined && !seen.has(e.indicator)) {
        problems.push({ file: r.file, ...r.locate(['tests', i, 'expect', j, 'indicator']), path: `tests.${i}.expect.${j}.indicator`, message: `no indicator ${e.indicator} in this rule set` })
      }
    }))
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
}

/**
 * What is allowed but probably wrong: shown by `rules check`, never refusing a set. An expiry
 * shorter than the window splits one situation into two alerts, the second counting the first's
 * reports again (rules/README.md, "Window, expiry and trend").
 */
export function checkRuleWarnings(rules: readonly LoadedRule[]): RuleProblem[] {
  const warnings: RuleProblem[] = []
  for (const r of rules) {
    const { window, expires } = r.rule
    if (durationMs(expires) < durationMs(window)) {
      warnings.push({
        file: r.file, ...r.locate(['expires']), path: 'expires',
        message: `expires (${expires}) is shorter than window (${window}): a report after the alert expired raises a second alert `
          + `that counts the first one's reports again; make expires at least ${window}, or say in the description why a quiet spell ends the situation`,
      })
    }
  }
  warnings.push(...validationWarnings(rules))
  return warnings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
}
