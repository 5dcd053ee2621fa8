import type { Alert, AlertScope, RuleSummary } from '../types'

/**
 * The alert sentence in French, from the rule's French summary template (`summaryFr`, the same
 * placeholders as `summary`: {count:nom|noms}, {fact}, {scope}, {window}, {title}) filled with the
 * alert's own facts and place. French word order and agreement differ from English, so this is
 * its own small renderer rather than a word table for the service's English one.
 */

const UNITS: Record<string, [string, string]> = { m: ['minute', 'minutes'], h: ['heure', 'heures'], d: ['jour', 'jours'], w: ['semaine', 'semaines'] }

const plural = (n: number, one: string, many: string) => `${n} ${n <= 1 ? one : many}`

export function dureeFr(text: string): string {
  const m = /^(\d+)([mhdw])$/.exec(text)
  if (!m) return text
  const [one, many] = UNITS[m[2]!]!
  return plural(Number(m[1]), one, many)
}

function lieuFr(scope: AlertScope): string {
  const g = { ...scope.groupBy }
  // A per-incident alert has no group place: its scope's own fields say where it happened.
  if (g.report) {
    if (scope.site) g.site = scope.site
    if (scope.route) g.route = scope.route
    if (scope.admin2) g.admin2 = scope.admin2
    else if (scope.admin1) g.admin1 = scope.admin1
  }
  const parts: string[] = []
  if (g.route) parts.push(`sur l’axe ${g.route}`)
  if (g.site) parts.push(`au site ${g.site}`)
  if (g.admin2) parts.push(`à ${g.admin2}`)
  if (g.admin1) parts.push(`dans la zone ${g.admin1}`)
  if (g.topCategory) parts.push(`(${g.topCategory})`)
  if (g.category) parts.push(`(${g.category})`)
  if (scope.radiusKm !== undefined && scope.center) {
    parts.push(`dans un rayon de ${scope.radiusKm} km autour de ${scope.center.lat.toFixed(3)}, ${scope.center.lon.toFixed(3)}`)
  }
  return parts.length > 0 ? parts.join(' ') : `dans toute la mission ${scope.mission}`
}

const VICTIM_FACT = /^(women|men|girls|boys|children|womenAndGirls)(Killed|Injured|Abducted)$/
const VICTIMES_FR: Record<string, [string, string]> = {
  women: ['femme', 'femmes'], men: ['homme', 'hommes'], girls: ['fille', 'filles'], boys: ['garçon', 'garçons'],
  children: ['enfant', 'enfants'], womenAndGirls: ['femme ou fille', 'femmes et filles'],
}
const ISSUE_FR: Record<string, [string, string]> = { Killed: ['tué(e)', 'tué(e)s'], Injured: ['blessé(e)', 'blessé(e)s'], Abducted: ['enlevé(e)', 'enlevé(e)s'] }

function victimesFr(facts: Record<string, number | null>): string[] {
  const n = (k: string) => facts[k] ?? 0
  const out: string[] = []
  if (n('unKilled') > 0) out.push(`${plural(n('unKilled'), 'casque bleu tué', 'casques bleus tués')}`)
  if (n('unInjured') > 0) out.push(`${plural(n('unInjured'), 'membre du personnel de l’ONU blessé', 'membres du personnel de l’ONU blessés')}`)
  if (n('unAbducted') > 0) out.push(`${plural(n('unAbducted'), 'membre du personnel de l’ONU enlevé', 'membres du personnel de l’ONU enlevés')}`)
  if (n('civiliansKilled') > 0) out.push(`${plural(n('civiliansKilled'), 'civil tué', 'civils tués')}`)
  // The victims' breakdown, where the rule weighs it (facts such as childrenAbducted).
  for (const [fact, value] of Object.entries(facts)) {
    const m = VICTIM_FACT.exec(fact)
    const v = value ?? 0
    if (!m || v <= 0) continue
    const i = v === 1 ? 0 : 1
    out.push(`${v} ${VICTIMES_FR[m[1]!]![i]} ${ISSUE_FR[m[2]!]![i]}`)
  }
  return out
}

/** The French sentence, or null when the rule gives neither a French summary nor a French title. */
export function sentenceFr(alert: Alert, rule: RuleSummary | undefined): string | null {
  if (!rule || (!rule.summaryFr && !rule.titleFr)) return null
  const template = rule.summaryFr ?? '{count:élément correspondant|éléments correspondants} {scope} en {window} : {title}'
  const head = template.replace(/\{([A-Za-z]+(?:\([^)]*\))?)(?::([^}|]+)(?:\|([^}]+))?)?\}/g, (whole, name: string, one?: string, many?: string) => {
    if (name === 'window') return dureeFr(rule.window)
    if (name === 'scope') return lieuFr(alert.scope)
    if (name === 'title') return rule.titleFr ?? rule.title
    const value = alert.facts[name]
    if (value === undefined) return whole
    const v = value ?? 0
    if (!one) return String(v)
    return plural(v, one, many ?? `${one}s`)
  })
  return [head, ...victimesFr(alert.facts)].join(', ')
}
