import type { Alert, AlertStatus, Grade, Level } from './types'
import { GRADES, LEVELS, STATUSES } from './types'

/** The board's filters, kept in the URL. */
export interface Filters {
  mission?: string
  level?: Level
  minGrade?: Grade
  status?: AlertStatus
  /** A taxonomy top code (HOS) or code (HOS.IED). */
  category?: string
  /** An area's name or P-code (admin1 or admin2). */
  area?: string
}

export const FILTER_KEYS = ['mission', 'level', 'minGrade', 'status', 'category', 'area'] as const

/** The filters in a query, unknown values dropped. */
export function readFilters(p: URLSearchParams): Filters {
  const f: Filters = {}
  const mission = p.get('mission')
  if (mission && /^[A-Z][A-Z0-9-]{1,15}$/.test(mission)) f.mission = mission
  const level = p.get('level') as Level | null
  if (level && LEVELS.includes(level)) f.level = level
  const minGrade = p.get('minGrade') as Grade | null
  if (minGrade && GRADES.includes(minGrade)) f.minGrade = minGrade
  const status = p.get('status') as AlertStatus | null
  if (status && STATUSES.includes(status)) f.status = status
  const category = p.get('category')
  if (category && /^[A-Z]{3}(\.[A-Z]{2,12})?$/.test(category)) f.category = category
  const area = p.get('area')
  if (area) f.area = area.slice(0, 100)
  return f
}

/** The query with these filters set (an undefined one removed), other parameters kept. */
export function withFilters(p: URLSearchParams, patch: Partial<Record<keyof Filters, string | undefined>>): URLSearchParams {
  const next = new URLSearchParams(p)
  for (const [k, v] of Object.entries(patch)) {
    if (v) next.set(k, v)
    else next.delete(k)
  }
  return next
}

/** The places an alert is about: its area names and P-codes. */
export function alertAreas(a: Alert): string[] {
  const s = a.scope
  return [s.admin1, s.admin1Pcode, s.admin2, s.admin2Pcode, s.groupBy.admin1, s.groupBy.admin2, ...(s.areas ?? []).flatMap((x) => [x.name, x.pcode])]
    .filter((x): x is string => typeof x === 'string' && x.length > 0)
}

/** The names of the areas an alert is about, for the area filter's choices. */
export function areaNames(a: Alert): string[] {
  const s = a.scope
  return [s.admin1, s.admin2, s.groupBy.admin1, s.groupBy.admin2, ...(s.areas ?? []).map((x) => x.name)]
    .filter((x): x is string => typeof x === 'string' && x.length > 0)
}

export function matches(a: Alert, f: Filters): boolean {
  if (f.mission && a.mission !== f.mission) return false
  if (f.level && a.level !== f.level) return false
  if (f.minGrade && GRADES.indexOf(a.grade) < GRADES.indexOf(f.minGrade)) return false
  if (f.status && a.status !== f.status) return false
  if (f.category && !a.taxonomy.some((c) => c === f.category || c.startsWith(`${f.category}.`)) && a.topCategory !== f.category) return false
  if (f.area) {
    const want = f.area.toLowerCase()
    if (!alertAreas(a).some((x) => x.toLowerCase() === want)) return false
  }
  return true
}
