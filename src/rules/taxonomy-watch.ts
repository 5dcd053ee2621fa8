import type { Taxonomy } from '../taxonomy/taxonomy.js'
import { isUnder } from '../taxonomy/taxonomy.js'
import type { CrosswalkSelector, IndicatorRule } from './rule-schema.js'

/** What an indicator watches once its `taxonomy` entries are resolved against the taxonomy. */
export interface TaxonomyWatch {
  /** Codes as written, each selector replaced by the codes it selects (a whole top category by its top code). */
  readonly codes: readonly string[]
  /** The watched codes of polarity `mitigating`: only the `mitigating` fact counts their reports. */
  readonly mitigating: readonly string[]
}

export const CROSSWALK_KEYS = ['fatalityCause', 'unsms', 'polarity'] as const
type CrosswalkKey = typeof CROSSWALK_KEYS[number]

/** A code's crosswalk values for a key (a list for unsms, one value or none for the others). */
function crosswalkValues(taxonomy: Taxonomy, code: string, key: CrosswalkKey): string[] {
  const sub = taxonomy.codes.get(code)!
  const v = sub[key]
  return Array.isArray(v) ? v : v === null ? [] : [v]
}

/** The values a crosswalk key takes anywhere in the taxonomy: what a misspelt selector is offered. */
export function crosswalkValuesOf(taxonomy: Taxonomy, key: CrosswalkKey): string[] {
  return [...new Set([...taxonomy.codes.keys()].flatMap((c) => crosswalkValues(taxonomy, c, key)))].sort()
}

/** The subcategory codes a selector picks: those whose crosswalk has every value it names. */
export function selectedCodes(taxonomy: Taxonomy, sel: CrosswalkSelector): string[] {
  return [...taxonomy.codes.keys()].filter((code) =>
    CROSSWALK_KEYS.every((k) => sel[k] === undefined || crosswalkValues(taxonomy, code, k).includes(sel[k])))
}

/** A top code in place of all its subcategories, so alerts and listings stay short. */
function compact(taxonomy: Taxonomy, codes: string[]): string[] {
  const out: string[] = []
  for (const [top, cat] of taxonomy.tops) {
    const subs = cat.subcategories.map((s) => s.code)
    if (codes.includes(top) || subs.every((c) => codes.includes(c))) out.push(top)
    else out.push(...subs.filter((c) => codes.includes(c)))
  }
  return out
}

/** Resolves a rule's taxonomy entries; unknown codes and empty selectors are the checker's to report. */
export function resolveWatch(rule: IndicatorRule, taxonomy: Taxonomy): TaxonomyWatch {
  // Codes as written first and unchanged, so a rule without selectors watches exactly what it says.
  const written = rule.taxonomy.filter((e): e is string => typeof e === 'string')
  const selected = compact(taxonomy, rule.taxonomy.flatMap((e) => (typeof e === 'string' ? [] : selectedCodes(taxonomy, e))))
  const codes = [...written, ...selected.filter((c) => !written.some((w) => isUnder(c, w)))]
  // Escalation indicators count alerts, which are never mitigating.
  const mitigating = rule.input === 'alerts' ? [] : [...taxonomy.codes.values()]
    .filter((s) => s.polarity === 'mitigating' && codes.some((c) => isUnder(s.code, c)))
    .map((s) => s.code)
  return { codes, mitigating }
}

/** The rules with what each watches resolved: what a rule set is built from. */
export function withWatches<R extends { rule: IndicatorRule }>(rules: readonly R[], taxonomy: Taxonomy): (R & { watch: TaxonomyWatch })[] {
  return rules.map((r) => ({ ...r, watch: resolveWatch(r.rule, taxonomy) }))
}
