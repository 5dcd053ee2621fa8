import type { Alert, AlertChange } from '../types'
import { ACTIVE, GRADES, LEVELS } from '../types'

/** An alert on the board: its latest state, and whether it just appeared or rose. */
export interface BoardAlert {
  alert: Alert
  /** Set by a live raise or escalation, cleared when the officer opens the alert. */
  flash: 'new' | 'escalated' | null
}

/** How many recent changes the activity list keeps. */
const LOG_SIZE = 200

/**
 * The board's picture of the alerts: the latest state of each alert the feed has shown, and the
 * most recent changes in feed order. Pure: the feed hands it changes, the views read it.
 */
export class AlertBook {
  readonly alerts = new Map<number, BoardAlert>()
  log: AlertChange[] = []

  /** Applies changes in feed order; returns the live raises and escalations among them. */
  apply(changes: AlertChange[], live: boolean): AlertChange[] {
    const loud: AlertChange[] = []
    for (const c of changes) {
      const before = this.alerts.get(c.alert.id)
      let flash = before?.flash ?? null
      if (live && (c.kind === 'raised' || c.kind === 'escalated')) {
        flash = c.kind === 'raised' ? 'new' : 'escalated'
        loud.push(c)
      }
      this.alerts.set(c.alert.id, { alert: c.alert, flash })
    }
    this.log = [...changes].reverse().concat(this.log).slice(0, LOG_SIZE)
    return loud
  }

  seen(id: number): void {
    const a = this.alerts.get(id)
    if (a?.flash) this.alerts.set(id, { ...a, flash: null })
  }

  /** The active alerts (open or acknowledged). */
  active(): BoardAlert[] {
    return [...this.alerts.values()].filter((b) => ACTIVE.includes(b.alert.status))
  }
}

/** Grade first (critical on top), then the most recently changed. */
export function byGradeThenRecency(a: BoardAlert, b: BoardAlert): number {
  const g = GRADES.indexOf(b.alert.grade) - GRADES.indexOf(a.alert.grade)
  if (g !== 0) return g
  return Date.parse(b.alert.updatedAt) - Date.parse(a.alert.updatedAt)
}

/** Highest level first: strategic, operational, tactical. */
export const LEVELS_TOP_DOWN = [...LEVELS].reverse()
