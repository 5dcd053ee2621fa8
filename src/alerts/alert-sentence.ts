import type { AlertScope } from './alert.js'
import { VICTIM_FACTS, type VICTIM_KINDS } from '../reports/victim-facts.js'

const UNIT_WORDS: Record<string, [string, string]> = {
  m: ['minute', 'minutes'], h: ['hour', 'hours'], d: ['day', 'days'], w: ['week', 'weeks'],
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** "14d" -> "14 days", "1h" -> "1 hour". */
export function humanDuration(text: string): string {
  const m = /^(\d+)([mhdw])$/.exec(text)
  if (!m) return text
  const [one, many] = UNIT_WORDS[m[2]!]!
  return plural(Number(m[1]), one, many)
}

/** Where one incident happened, from the place fields of its scope. */
function incidentPlace(scope: AlertScope): string {
  const parts = [
    scope.site && `at site ${scope.site}`,
    scope.route && `on route ${scope.route}`,
    scope.admin2 && `in ${scope.admin2}`,
    scope.admin1 && scope.admin1 !== scope.admin2 && `(${scope.admin1})`,
  ].filter((p): p is string => typeof p === 'string')
  return parts.length > 0 ? parts.join(' ') : `in ${scope.mission}`
}

/** A taxonomy code's label ("HOS" -> "Hostile acts against UN personnel and assets"), when known. */
export type CategoryLabel = (code: string) => string | undefined

/** A label as it reads inside a sentence: "Hostile acts" -> "hostile acts", "IED, mine..." unchanged. */
function inSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? `${label.charAt(0).toLowerCase()}${label.slice(1)}` : label
}

/**
 * Where an alert applies, in words: "on route MSR-1", "at site Camp Castor", "in Gao". A group by
 * category reads as the taxonomy's label ("in Gao: hostile acts against UN personnel and
 * assets"), or as the bare code when no labels are given.
 */
export function humanScope(scope: AlertScope, label: CategoryLabel = () => undefined): string {
  const g = scope.groupBy
  const parts: string[] = []
  if (g.route) parts.push(`on route ${g.route}`)
  if (g.site) parts.push(`at site ${g.site}`)
  if (g.admin2) parts.push(`in ${g.admin2}`)
  if (g.admin1) parts.push(`in ${g.admin1}`)
  const categories = [g.topCategory, g.category].filter((c): c is string => typeof c === 'string')
  for (const code of categories) {
    const words = label(code)
    if (words === undefined) parts.push(`(${code})`)
    else if (parts.length > 0) parts[parts.length - 1] = `${parts[parts.length - 1]}: ${inSentence(words)}`
    else parts.push(`of ${inSentence(words)}`)
  }
  if (scope.radiusKm !== undefined && scope.center) {
    parts.push(`within ${scope.radiusKm} km of ${scope.center.lat.toFixed(3)}, ${scope.center.lon.toFixed(3)}`)
  }
  if (parts.length > 0) return parts.join(' ')
  // A per-incident alert still says where it happened; a mission-wide one says so.
  return g.report ? incidentPlace(scope) : `across ${scope.mission}`
}

/** Each kind of victim in words, singular and plural. */
const VICTIM_WORDS: Record<keyof typeof VICTIM_KINDS, [string, string]> = {
  women: ['woman', 'women'], men: ['man', 'men'], girls: ['girl', 'girls'], boys: ['boy', 'boys'],
  children: ['child', 'children'], womenAndGirls: ['woman or girl', 'women and girls'],
}

/** The victim facts with their words, listed once (a sentence is written on every alert update). */
const VICTIM_CLAUSES = Object.entries(VICTIM_FACTS).map(([fact, f]) => ({ fact, outcome: f.outcome, words: VICTIM_WORDS[f.kind] }))

/** The casualty clause every alert sentence ends with, when there were casualties. */
function casualties(facts: Record<string, number | null>): string[] {
  const out: string[] = []
  const n = (k: string) => facts[k] ?? 0
  if (n('unKilled') > 0) out.push(`${plural(n('unKilled'), 'peacekeeper', 'peacekeepers')} killed`)
  if (n('unInjured') > 0) out.push(`${n('unInjured')} UN personnel injured`)
  if (n('unAbducted') > 0) out.push(`${n('unAbducted')} UN personnel abducted`)
  if (n('civiliansKilled') > 0) out.push(`${plural(n('civiliansKilled'), 'civilian', 'civilians')} killed`)
  // The victims' breakdown, where the rule weighs it: "2 children abducted".
  for (const c of VICTIM_CLAUSES) {
    const v = n(c.fact)
    if (v > 0) out.push(`${v} ${c.words[v === 1 ? 0 : 1]} ${c.outcome}`)
  }
  return out
}

/** A placeholder of a summary template: a fact (with its noun forms) or the scope; text otherwise. */
type Part = string | { fact: string; whole: string; one?: string; many?: string } | { scope: true }

const PLACEHOLDER = /\{([A-Za-z]+(?:\([^)]*\))?)(?::([^}|]+)(?:\|([^}]+))?)?\}/g

/**
 * Templates as parts, by template, title and window (the rule's own strings, so no key is built),
 * and whether the trend is new: parsed once, not per update.
 */
const compiled = new Map<string | undefined, Map<string, Map<string, [Part[]?, Part[]?]>>>()

function compile(template: string | undefined, title: string, window: string, trendIsNew: boolean): Part[] {
  let byTitle = compiled.get(template)
  if (!byTitle) compiled.set(template, byTitle = new Map())
  let byWindow = byTitle.get(title)
  if (!byWindow) byTitle.set(title, byWindow = new Map())
  let both = byWindow.get(window)
  if (!both) byWindow.set(window, both = [])
  return both[trendIsNew ? 1 : 0] ??= parse(template, title, window, trendIsNew)
}

function parse(template: string | undefined, title: string, window: string, trendIsNew: boolean): Part[] {
  let text = template ?? '{count:matching report} {scope} within {window}: {title}'
  // A rule that does not say where (a per-incident title) still gets its place.
  if (!text.includes('{scope}')) text = `${text} {scope}`
  // A trend over an empty history is no ratio: the clause says the situation is new instead.
  if (trendIsNew) text = text.split(', ').map((c) => (c.includes('{trend}') ? 'new: none in the periods before' : c)).join(', ')
  const parts: Part[] = []
  let at = 0
  for (const m of text.matchAll(PLACEHOLDER)) {
    const [whole, name, one, many] = m as unknown as [string, string, string | undefined, string | undefined]
    let lit = text.slice(at, m.index)
    at = m.index! + whole.length
    if (name === 'window') lit += humanDuration(window)
    else if (name === 'title') lit += title
    if (lit !== '') parts.push(lit)
    if (name === 'scope') parts.push({ scope: true })
    else if (name !== 'window' && name !== 'title') parts.push({ fact: name, whole, ...(one !== undefined ? { one } : {}), ...(many !== undefined ? { many } : {}) })
  }
  if (at < text.length) parts.push(text.slice(at))
  // Adjacent text parts are joined, so rendering concatenates as few strings as it can.
  const merged: Part[] = []
  for (const p of parts) {
    const last = merged[merged.length - 1]
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p
    else merged.push(p)
  }
  return merged
}

/** The words of a scope, kept with the scope object (an alert's unchanged scope is the same object from update to update). */
const scopeWords = new WeakMap<AlertScope, { label: CategoryLabel | undefined; text: string }>()

function wordsOf(scope: AlertScope, label: CategoryLabel | undefined): string {
  const known = scopeWords.get(scope)
  if (known && known.label === label) return known.text
  const text = humanScope(scope, label)
  scopeWords.set(scope, { label, text })
  return text
}

/**
 * The sentence a duty officer reads: the rule's summary template filled in, then the casualty
 * clause, e.g. "3 IED incidents within 14 days on route MSR-1, 1 peacekeeper killed".
 * Template placeholders: {count:noun} (number and noun, plural when needed), {fact} for any
 * aggregate (with its params as the facts list shows them: {distinct(field=site):site}),
 * {window}, {scope}, {title}.
 */
export function alertSentence(input: {
  template: string | undefined
  title: string
  window: string
  scope: AlertScope
  facts: Record<string, number | null>
  /** The taxonomy's labels, so a group by category reads in words rather than as a code. */
  categoryLabel?: CategoryLabel
}): string {
  let head = ''
  for (const p of compile(input.template, input.title, input.window, input.facts.trend === null)) {
    if (typeof p === 'string') head += p
    else if ('scope' in p) head += wordsOf(input.scope, input.categoryLabel)
    else {
      const value = input.facts[p.fact]
      if (value === undefined) head += p.whole
      else if (!p.one) head += String(value ?? 0)
      else head += plural(value ?? 0, p.one, p.many ?? `${p.one}s`)
    }
  }
  const clauses = casualties(input.facts)
  return clauses.length === 0 ? head : [head, ...clauses].join(', ')
}
