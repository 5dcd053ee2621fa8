import { AGE_GROUPS, OUTCOMES, SEXES, VICTIM_GROUPS } from '../reports/report-schema.js'

/**
 * The fields a condition may read from its input, by input kind: the rule checker rejects any
 * other path, so a misspelt field fails the check instead of silently never matching.
 */

const casualtyPaths = (['killed', 'injured', 'abducted'] as const).flatMap((k) => [
  `casualties.${k}`, `casualties.${k}.un`, `casualties.${k}.un.military`, `casualties.${k}.un.police`,
  `casualties.${k}.un.civilian`, `casualties.${k}.civilian`, `casualties.${k}.other`,
])

/** The victims' breakdown, down to one cell: `casualties.killed.breakdown.civilian.female.child`. */
const breakdownPaths = OUTCOMES.flatMap((k) => [`casualties.${k}.breakdown`, ...VICTIM_GROUPS.flatMap((g) => [
  `casualties.${k}.breakdown.${g}`,
  ...SEXES.flatMap((s) => [`casualties.${k}.breakdown.${g}.${s}`, ...AGE_GROUPS.map((a) => `casualties.${k}.breakdown.${g}.${s}.${a}`)]),
])])

const CASEVAC_PATHS = [
  'casevac', 'casevac.injuredAt', 'casevac.lifeSupportAt', 'casevac.surgeryAt', 'casevac.evacuatedAt',
  // Derived when the report is evaluated: minutes from injury (absent when the time is not given).
  'casevac.minutesToLifeSupport', 'casevac.minutesToSurgery', 'casevac.minutesToEvacuation',
]

export const REPORT_PATHS = new Set([
  'id', 'mission', 'occurredAt', 'datePrecision', 'reportedAt',
  'location', 'location.lat', 'location.lon', 'location.precision', 'location.admin1', 'location.admin2',
  'location.place', 'location.route', 'location.site',
  // The resolved place (gazetteer): P-codes, the site's id, kind and distance, the route's name and distance.
  'location.admin1Pcode', 'location.admin2Pcode', 'location.siteId', 'location.siteKind', 'location.distanceToSiteKm',
  'location.routeName', 'location.distanceToRouteKm',
  'category', 'categoryTerm', 'categories', 'categoryTerms',
  'casualties', ...casualtyPaths, ...breakdownPaths,
  'targets', 'actors', 'weapons', 'tags', 'narrative',
  'source', 'source.reliability', 'source.credibility', 'source.sourceId', 'source.channel',
  ...CASEVAC_PATHS, 'sensitivity', 'releasableTo', 'partnerOrg',
])

/** Report fields that may be absent: a negative operator on them holds when they are missing. */
export const OPTIONAL_REPORT_PATHS = new Set([
  'reportedAt', 'location.lat', 'location.lon', 'location.admin1', 'location.admin2', 'location.place', 'location.route', 'location.site', 'source.sourceId',
  'location.admin1Pcode', 'location.admin2Pcode', 'location.siteId', 'location.siteKind', 'location.distanceToSiteKm',
  'location.routeName', 'location.distanceToRouteKm',
  'source.channel', 'releasableTo', 'partnerOrg', ...CASEVAC_PATHS, ...breakdownPaths,
])

/** What an escalation indicator sees of an alert. */
export const ALERT_PATHS = new Set([
  'id', 'indicatorId', 'level', 'grade', 'status', 'confidence', 'taxonomy', 'topCategory', 'mission',
  'admin1', 'admin2', 'admin1Pcode', 'admin2Pcode', 'route', 'site', 'count', 'trend', 'facts',
])
export const OPTIONAL_ALERT_PATHS = new Set(['admin1', 'admin2', 'admin1Pcode', 'admin2Pcode', 'route', 'site'])

/** Array-valued fields: a path may continue into an element (`actors.0.type`). */
const ARRAY_PATHS = new Set(['targets', 'actors', 'weapons', 'tags', 'categories', 'categoryTerms', 'taxonomy', 'releasableTo'])

/** True when `path` names a field of the input (or an element or sub-field of an array field). */
export function isKnownPath(path: string, known: Set<string>): boolean {
  const parts = path.replace(/^\$\.?/, '').split('.')
  for (let n = parts.length; n > 0; n--) {
    const head = parts.slice(0, n).join('.')
    if (known.has(head)) return n === parts.length || ARRAY_PATHS.has(head) || head === 'facts'
  }
  return false
}
