import { isUnder } from '../taxonomy/taxonomy.js'
import { inAreas } from '../reports/report-place.js'
import type { AlertState } from './alert.js'
import type { Level } from './levels.js'

/** What a silence matches; every given matcher must hold. */
export interface SilenceMatchers {
  indicator?: string
  mission?: string
  /** An admin1 area by name or P-code: every alert with an input inside it, whatever its scope. */
  admin1?: string
  /** An admin2 area by name or P-code, likewise. */
  admin2?: string
  /** A taxonomy code or top code: alerts watching it or anything under it. */
  taxonomy?: string
  level?: Level
}

export interface Silence {
  id: number
  matchers: SilenceMatchers
  startsAt: number
  endsAt: number
  reason: string
  author: string
  createdAt: number
  endedAt: number | null
  endedBy: string | null
}

/** True while the silence is in force at `now`. */
export function isSilenceActive(s: Silence, now: number): boolean {
  return s.endedAt === null && s.startsAt <= now && now < s.endsAt
}

/** True when every matcher of the silence holds for the alert. */
export function silenceMatches(m: SilenceMatchers, a: AlertState): boolean {
  if (m.indicator !== undefined && m.indicator !== a.indicatorId) return false
  if (m.mission !== undefined && m.mission !== a.mission) return false
  if (m.admin1 !== undefined && !inAreas(a.scope.areas, m.admin1, 1)) return false
  if (m.admin2 !== undefined && !inAreas(a.scope.areas, m.admin2, 2)) return false
  if (m.level !== undefined && m.level !== a.level) return false
  if (m.taxonomy !== undefined) {
    const prefix = m.taxonomy
    if (!(isUnder(a.topCategory, prefix) || a.taxonomy.some((c) => isUnder(c, prefix) || isUnder(prefix, c)))) return false
  }
  return true
}
