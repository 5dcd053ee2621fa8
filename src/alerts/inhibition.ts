import { distanceKm } from '../geo.js'
import { isActive, type AlertState } from './alert.js'
import { LEVELS } from './levels.js'

/** What inhibition reads of an alert: who, where, how high, whether active. */
export type InhibitionView = Pick<AlertState, 'id' | 'status' | 'mission' | 'topCategory' | 'level' | 'scope'>

const levelOf = (a: InhibitionView) => LEVELS.indexOf(a.level)
const PLACE_FIELDS = ['admin1', 'admin2', 'route', 'site'] as const

/**
 * Whether the area of `higher` covers `lower`. A mission-wide alert covers the mission; one
 * grouped by place fields covers alerts with the same values there; a radius alert covers
 * alerts centred inside its circle; a per-incident alert covers its incident's district.
 * When in doubt it does not cover: an alert is never hidden on a guess.
 */
export function covers(higher: InhibitionView, lower: InhibitionView): boolean {
  const h = higher.scope
  const l = lower.scope
  if (h.center && h.radiusKm !== undefined) {
    const p = l.center ?? l.centroid
    return p !== undefined && distanceKm(h.center.lat, h.center.lon, p.lat, p.lon) <= h.radiusKm
  }
  if (h.groupBy.report) {
    const field = h.admin2 ? 'admin2' : h.admin1 ? 'admin1' : null
    return field !== null && h[field] === l[field]
  }
  const fields = PLACE_FIELDS.filter((f) => f in h.groupBy)
  return fields.every((f) => h.groupBy[f] === l[f])
}

/**
 * Alertmanager's inhibition for the JOC: an active alert inhibits the active alerts of a lower
 * level in the same mission and indicator family (top category) whose area it covers. The JOC
 * then reads one alert, not three.
 */
export function inhibits(higher: InhibitionView, lower: InhibitionView): boolean {
  return higher.id !== lower.id
    && isActive(higher.status) && isActive(lower.status)
    && higher.mission === lower.mission
    && higher.topCategory === lower.topCategory
    && levelOf(higher) > levelOf(lower)
    && covers(higher, lower)
}

/** Whether any of `family` inhibits `alert`. */
export function isInhibited(alert: InhibitionView, family: readonly InhibitionView[]): boolean {
  return family.some((other) => inhibits(other, alert))
}
