import { isActive } from '../alerts/alert.js'
import type { Level } from '../alerts/levels.js'
import type { AlertStep, Warning } from './warnings.js'

/**
 * Warnings by area: the spells during which one alert was active at a level of interest with an
 * area (admin1) among the places its inputs touch. An alert whose inputs spread into a second
 * prefecture starts warning there when they did; an alert with no place at all warns every area
 * of the mission (it says "somewhere in the mission", and an operator would read it so).
 */

export interface AreaSpell {
  alertId: number
  indicatorId: string
  /** The area key: an admin1 P-code (its name where the gazetteer gave none). */
  area: string
  /** When the alert began warning this area: its raise time for lead times here. */
  start: number
  end: number
}

/** Spells per (alert, area) from a change log ordered by time; still-open spells end with the period. */
export function areaSpells(steps: readonly AlertStep[], levels: readonly Level[], periodEnd: number, allAreas: readonly string[]): AreaSpell[] {
  const open = new Map<number, Map<string, AreaSpell>>()
  const out: AreaSpell[] = []
  for (const s of steps) {
    const inScope = isActive(s.status) && levels.includes(s.level)
    const areas = new Set(inScope ? (s.areas && s.areas.length > 0 ? s.areas : allAreas) : [])
    const current = open.get(s.alertId) ?? new Map<string, AreaSpell>()
    for (const [area, spell] of current) {
      if (areas.has(area)) continue
      spell.end = s.at
      current.delete(area)
    }
    for (const area of areas) {
      if (current.has(area)) continue
      const spell: AreaSpell = { alertId: s.alertId, indicatorId: s.indicatorId, area, start: s.at, end: periodEnd }
      current.set(area, spell)
      out.push(spell)
    }
    open.set(s.alertId, current)
  }
  for (const current of open.values()) for (const spell of current.values()) spell.end = Math.max(spell.start, periodEnd)
  return out
}

/** Mission-wide, every warning is one spell of the one "area". */
export function missionSpells(warnings: readonly Warning[], area: string): AreaSpell[] {
  return warnings.map((w) => ({ alertId: w.alertId, indicatorId: w.indicatorId, area, start: w.start, end: w.end }))
}
