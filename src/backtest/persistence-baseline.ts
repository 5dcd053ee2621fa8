import { DAY_MS, type Period } from './scoring.js'
import type { AreaSpell } from './area-spells.js'
import { buildGrid, dayNumber, type OutcomeEvent } from './area-grid.js'
import { scoreGrid } from './area-score.js'

/**
 * The rule of thumb every indicator must beat: "warn in an area for N days after any outcome-class
 * event there". An event on day d warns the days d+1 ... d+N (raised on d, as a live operator
 * would on hearing of it); an event while the area is already warned extends that warning rather
 * than raising another, as an alert is extended by new inputs.
 */

/** The grid of N a persistence baseline is chosen from. */
export const PERSISTENCE_DAYS = [1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90] as const

export function persistenceSpells(outcomes: readonly OutcomeEvent[], days: number): AreaSpell[] {
  const byArea = new Map<string, number[]>()
  for (const o of outcomes) {
    if (o.area === null) continue
    const list = byArea.get(o.area) ?? []
    list.push(dayNumber(o.day))
    byArea.set(o.area, list)
  }
  const spells: AreaSpell[] = []
  for (const [area, list] of byArea) {
    let current: AreaSpell | null = null
    for (const d of [...new Set(list)].sort((a, b) => a - b)) {
      const end = (d + days + 1) * DAY_MS
      // Still warned on day d (its last covered day is d or later): the same warning goes on.
      if (current && d <= current.end / DAY_MS - 1) {
        current.end = end
        continue
      }
      current = { alertId: -1, indicatorId: `persistence-${days}d`, area, start: d * DAY_MS, end }
      spells.push(current)
    }
  }
  return spells
}

/**
 * N chosen on the training period: the N of the grid with the best Peirce score at area-day scale
 * (ties: the shorter). Peirce rather than lift: lift alone rewards warning almost never.
 */
export function choosePersistenceDays(areas: readonly string[], training: Period, outcomes: readonly OutcomeEvent[]): number {
  let best: { days: number; peirce: number } | null = null
  for (const days of PERSISTENCE_DAYS) {
    const s = scoreGrid(buildGrid(areas, training, persistenceSpells(outcomes, days), outcomes), 'day', { bootstrap: 0, seed: 0 })
    const peirce = s.peirce ?? Number.NEGATIVE_INFINITY
    if (best === null || peirce > best.peirce) best = { days, peirce }
  }
  return best!.days
}
