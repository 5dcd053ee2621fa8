import { distanceKm } from '../geo.js'
import { inAreas, type AreaRef } from '../reports/report-place.js'
import { isActive, type AlertScope, type AlertState } from './alert.js'
import { GRADES, LEVELS } from './levels.js'

/** What inhibition reads of an alert: who, where, how high, whether active. */
export type InhibitionView = Pick<AlertState, 'id' | 'status' | 'mission' | 'topCategory' | 'level' | 'grade' | 'scope'>

const levelOf = (a: InhibitionView) => LEVELS.indexOf(a.level)
const gradeOf = (a: InhibitionView) => GRADES.indexOf(a.grade)

/** Whether the lower alert lies wholly inside the areas: every area it touches is one of them. */
function inside(lower: AlertScope, areas: readonly AreaRef[] | undefined): boolean {
  const own = lower.areas ?? []
  return own.length > 0 && own.every((a) => inAreas(areas, a.name, a.level))
}

/** Whether the lower alert lies in one area: its areas at that level are that area alone. */
function onlyIn(lower: AlertScope, area: AreaRef): boolean {
  const atLevel = (lower.areas ?? []).filter((a) => a.level === area.level)
  return atLevel.length > 0 && atLevel.every((a) => a.name === area.name || (a.pcode !== undefined && a.pcode === area.pcode))
}

/** An area of an alert's own place, at a level. */
function ownArea(s: AlertScope, level: 1 | 2): AreaRef | null {
  const name = level === 1 ? s.admin1 : s.admin2
  const pcode = level === 1 ? s.admin1Pcode : s.admin2Pcode
  return name === undefined ? null : { level, name, ...(pcode ? { pcode } : {}) }
}

/**
 * Whether the area of `higher` covers `lower`, from the place both derive from their inputs. A
 * radius alert covers alerts centred inside its circle; one grouped by a route or a site covers
 * alerts on that route or at that site; one grouped by an area covers alerts that lie only in
 * it; a per-incident alert covers its incident's district; any other (mission-wide, per
 * category) covers alerts lying wholly inside the areas its own inputs touch. An alert whose
 * place is unknown is never covered: never hidden on a guess.
 */
export function covers(higher: InhibitionView, lower: InhibitionView): boolean {
  const h = higher.scope
  const l = lower.scope
  if (h.center && h.radiusKm !== undefined) {
    const p = l.center ?? l.centroid
    return p !== undefined && distanceKm(h.center.lat, h.center.lon, p.lat, p.lon) <= h.radiusKm
  }
  if (h.groupBy.report) {
    const district = ownArea(h, 2) ?? ownArea(h, 1)
    return district !== null && onlyIn(l, district)
  }
  if (h.groupBy.route !== undefined && l.route !== h.groupBy.route) return false
  if (h.groupBy.site !== undefined && l.site !== h.groupBy.site) return false
  const grouped = ([1, 2] as const).filter((level) => h.groupBy[level === 1 ? 'admin1' : 'admin2'] !== undefined)
  if (grouped.length > 0) return grouped.every((level) => { const a = ownArea(h, level); return a !== null && onlyIn(l, a) })
  if (h.groupBy.route !== undefined || h.groupBy.site !== undefined) return true
  return inside(l, h.areas)
}

/**
 * Alertmanager's inhibition for the JOC: an active alert inhibits the active alerts of a lower
 * level in the same mission and indicator family (top category) inside its area, so the JOC
 * reads one alert, not three. Never one of a higher grade than itself, and never a critical one:
 * the worst news is never hidden behind a broader alert.
 */
export function inhibits(higher: InhibitionView, lower: InhibitionView): boolean {
  return higher.id !== lower.id
    && isActive(higher.status) && isActive(lower.status)
    && higher.mission === lower.mission
    && higher.topCategory === lower.topCategory
    && levelOf(higher) > levelOf(lower)
    && lower.grade !== 'critical'
    && gradeOf(lower) <= gradeOf(higher)
    && covers(higher, lower)
}

/** Whether any of `family` inhibits `alert`. */
export function isInhibited(alert: InhibitionView, family: readonly InhibitionView[]): boolean {
  return family.some((other) => inhibits(other, alert))
}
