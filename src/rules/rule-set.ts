import { isUnder, topOf } from '../taxonomy/taxonomy.js'
import { compileIndicator, type CompiledIndicator } from './compile-indicator.js'
import type { LoadedRule } from './rule-loader.js'

/**
 * One loaded rule set, built once into immutable engines and swapped whole on reload. Indicators
 * are indexed by the taxonomy codes they watch, so a report runs only the indicators that watch
 * its category or a prefix of it.
 */
export interface RuleSet {
  readonly version: string
  readonly loadedAt: number
  readonly rules: readonly LoadedRule[]
  readonly indicators: readonly CompiledIndicator[]
  byId(id: string): CompiledIndicator | undefined
  /** Indicators of an input kind that watch any of these codes, in id order, each once. */
  watching(kind: 'reports' | 'alerts', codes: readonly string[]): CompiledIndicator[]
}

export function buildRuleSet(rules: readonly LoadedRule[], version: string, loadedAt: number): RuleSet {
  const indicators = rules.map((r) => compileIndicator(r.rule, r.file, r.watch)).sort((a, b) => a.rule.id.localeCompare(b.rule.id))
  const ids = new Map(indicators.map((i) => [i.rule.id, i]))
  const index = { reports: new Map<string, CompiledIndicator[]>(), alerts: new Map<string, CompiledIndicator[]>() }
  for (const ind of indicators) {
    const table = index[ind.rule.input]
    for (const code of ind.codes) table.set(code, [...(table.get(code) ?? []), ind])
  }
  return Object.freeze({
    version,
    loadedAt,
    rules,
    indicators,
    byId: (id: string) => ids.get(id),
    watching(kind: 'reports' | 'alerts', codes: readonly string[]) {
      const table = index[kind]
      const found = new Set<CompiledIndicator>()
      for (const code of codes) {
        for (const key of [code, topOf(code)]) {
          for (const ind of table.get(key) ?? []) {
            if (ind.codes.some((t) => isUnder(code, t))) found.add(ind)
          }
        }
      }
      return [...found].sort((a, b) => a.rule.id.localeCompare(b.rule.id))
    },
  })
}

/** An empty rule set: what a service without rules evaluates against. */
export function emptyRuleSet(loadedAt = 0): RuleSet {
  return buildRuleSet([], 'empty', loadedAt)
}
