/**
 * Name matching for places: the same feature is spelt many ways ("Ouham-Pendé prefecture",
 * "Ouham Pende", "OUHAM PENDE"; "Camp Bambari", "MINUSCA Bambari"). Names are compared after
 * folding case, accents, punctuation and the words that only say what kind of place it is.
 */

const AREA_WORDS = 'prefecture|province|region|district|sub prefecture|sous prefecture|subprefecture|county|state|cercle|commune|departement|department'
const AREA_PREFIX = new RegExp(`^(?:${AREA_WORDS})(?: (?:de la|de l|des|du|de|d|of the|of))? `)
const AREA_SUFFIX = new RegExp(` (?:${AREA_WORDS})$`)
const LEADING_ARTICLE = /^(?:la|le|les|l) /
const SITE_PREFIX = /^(?:un|camp|base|cob|tob|pob|sector hq|hq) /
const SITE_SUFFIX = / (?:camp|base|cob|tob|hq)$/

/** Lower case, no accents, punctuation as single spaces: the common ground of every spelling. */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

function strip(folded: string, patterns: RegExp[]): string {
  let s = folded
  for (let changed = true; changed;) {
    changed = false
    for (const p of patterns) {
      const next = s.replace(p, '')
      if (next !== s && next.length > 0) {
        s = next
        changed = true
      }
    }
  }
  return s
}

/** The key an area name is matched by: "Préfecture de la Ouaka" and "Ouaka prefecture" give "ouaka". */
export function areaKey(name: string): string {
  return strip(foldName(name), [AREA_PREFIX, AREA_SUFFIX, LEADING_ARTICLE])
}

/**
 * The key a site name is matched by: "Camp Bambari", "MINUSCA Bambari" and "Bambari base" give
 * "bambari". `mission` is the gazetteer's mission code, dropped where it leads the name.
 */
export function siteKey(name: string, mission: string): string {
  const missionPrefix = new RegExp(`^${foldName(mission)} `)
  return strip(foldName(name), [missionPrefix, SITE_PREFIX, SITE_SUFFIX])
}

/** The key a route name or id is matched by: "MSR 1", "msr-1" and "MSR1" give "msr1". */
export function routeKey(name: string): string {
  return foldName(name).replace(/ /g, '')
}
