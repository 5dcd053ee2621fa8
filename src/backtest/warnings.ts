import { isActive, type AlertStatus } from '../alerts/alert.js'
import type { Grade, Level } from '../alerts/levels.js'

/**
 * Warnings: the spells during which one alert was active at a level of interest. An alert
 * raised tactical and escalated to operational is a tactical warning until the escalation and
 * an operational one after it; for "operational or higher" it is one warning from the
 * escalation to its end. Pure: the backtest's scoring is built on these.
 */

/** An alert change reduced to what scoring needs: the alert's state after it, and when. */
export interface AlertStep {
  alertId: number
  at: number
  level: Level
  grade: Grade
  status: AlertStatus
  indicatorId: string
  summary: string
  /** The admin1 areas (P-codes, else names) the alert's inputs touch at that point; none when unplaced. */
  areas?: readonly string[]
}

export interface Warning {
  alertId: number
  indicatorId: string
  /** The level and grade when the warning began. */
  level: Level
  grade: Grade
  summary: string
  /** When the alert reached a level of interest: the warning's raise time. */
  start: number
  /** When it left active status or those levels; the end of the period if it never did. */
  end: number
  /** Still active at the end of the period. */
  open: boolean
}

/** The warnings at `levels` in a change log ordered by time (and sequence), alerts in raise order. */
export function warningsOf(steps: readonly AlertStep[], levels: readonly Level[], periodEnd: number): Warning[] {
  const current = new Map<number, Warning>()
  const out: Warning[] = []
  for (const s of steps) {
    const inScope = isActive(s.status) && levels.includes(s.level)
    const w = current.get(s.alertId)
    if (inScope && !w) {
      const fresh: Warning = { alertId: s.alertId, indicatorId: s.indicatorId, level: s.level, grade: s.grade, summary: s.summary, start: s.at, end: periodEnd, open: true }
      current.set(s.alertId, fresh)
      out.push(fresh)
    } else if (!inScope && w) {
      w.end = s.at
      w.open = false
      current.delete(s.alertId)
    }
  }
  // An alert still active outlives the period: it is cut at its end.
  for (const w of current.values()) w.end = Math.max(w.start, periodEnd)
  return out
}
