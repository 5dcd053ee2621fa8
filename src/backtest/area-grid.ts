import { coveredDays, DAY_MS, type Period } from './scoring.js'
import type { AreaSpell } from './area-spells.js'

/**
 * The area-day grid a score is computed on: for every area and every day of the period, the
 * earliest raise time of a warning covering that day's 00:00 (a warning raised at least a day
 * before anything that happens that day), and the days with an outcome in each area.
 */

/** Something that happened somewhere on some day: one outcome (a report of the class, a fatal incident). */
export interface OutcomeEvent {
  id: string
  /** 00:00 UTC of its day, epoch ms. */
  day: number
  /** Its area key (admin1 P-code); null when it has no place (scored mission-wide only). */
  area: string | null
}

export interface GridWarning {
  area: number
  start: number
  /** Covered days, absolute day numbers (last < first: covers none). */
  first: number
  last: number
}

export interface Grid {
  areas: readonly string[]
  period: Period
  /** Day number of the period's first day. */
  base: number
  days: number
  /** [area][day of the period]: earliest raise time covering it, or null. */
  cover: (number | null)[][]
  /** [area]: the day numbers with an outcome, all of them (also outside the period: they can vindicate a warning). */
  outcomeDays: ReadonlySet<number>[]
  /** [area]: the period's days (indexes) with an outcome, ascending. */
  outcomesInPeriod: number[][]
  /** The warnings raised in the period, per area. */
  warnings: GridWarning[]
}

export const dayNumber = (t: number) => Math.floor(t / DAY_MS)

/** Builds the grid; spells and outcomes of areas not listed are ignored. */
export function buildGrid(areas: readonly string[], period: Period, spells: readonly AreaSpell[], outcomes: readonly OutcomeEvent[]): Grid {
  const index = new Map(areas.map((a, i) => [a, i]))
  const base = dayNumber(period.from)
  const days = dayNumber(period.to) - base
  const cover = areas.map(() => new Array<number | null>(days).fill(null))
  const warnings: GridWarning[] = []
  for (const s of spells) {
    const a = index.get(s.area)
    if (a === undefined) continue
    const { first, last } = coveredDays(s)
    const row = cover[a]!
    for (let d = Math.max(first, base); d <= Math.min(last, base + days - 1); d++) {
      const c = row[d - base]
      if (c === null || c === undefined || s.start < c) row[d - base] = s.start
    }
    if (s.start >= period.from && s.start < period.to) warnings.push({ area: a, start: s.start, first, last })
  }
  const outcomeDays = areas.map(() => new Set<number>())
  for (const o of outcomes) {
    const a = o.area === null ? undefined : index.get(o.area)
    if (a !== undefined) outcomeDays[a]!.add(dayNumber(o.day))
  }
  const outcomesInPeriod = outcomeDays.map((set) => [...set].filter((d) => d >= base && d < base + days).map((d) => d - base).sort((x, y) => x - y))
  return { areas, period, base, days, cover, outcomeDays, outcomesInPeriod, warnings }
}
