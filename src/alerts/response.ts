import type { Grade, Level } from './levels.js'
import { durationMs, type ResponseBlock } from '../rules/rule-schema.js'

/**
 * What an alert asks of the people who receive it: the expected actions, who is responsible, and
 * the times within which it must be acknowledged and acted on. A threshold's `response` block
 * says it; what the block leaves out comes from the defaults below, the one place they live.
 */
export interface AlertResponse {
  actions: string[]
  responsible: string
  acknowledgeWithin: string
  actWithin: string
  references: string[]
  /** Fields the threshold left out, filled from the defaults of its level and grade. */
  defaulted: string[]
}

/** The response of an alert's current threshold, with the deadlines it set (epoch ms). */
export interface AlertResponseState extends AlertResponse {
  /** When the current threshold took effect (raise, escalation or downgrade): the deadlines count from here. */
  since: number
  acknowledgeBy: number
  actBy: number
}

interface Deadlines { acknowledgeWithin: string; actWithin: string }

/**
 * Default deadlines by level and grade. Why each:
 * - tactical critical 15m / 1h: UN casualties or an attack under way; the 10-1-2 casualty standard
 *   (advanced life support within one hour of injury) leaves one hour to act.
 * - tactical high 30m / 4h: a threat to a route, site or patrol; the decision (freeze, escort,
 *   QRF posture) must come before the next movement, normally within a few hours.
 * - tactical medium 2h / 24h: worth a look within the duty shift, a decision by the next day's
 *   movement plan.
 * - tactical low 8h / 72h: one duty shift to acknowledge; within the tactical horizon to act.
 * - operational critical 1h / 24h: mission leadership must know within the hour and decide
 *   (convoy policy, re-posturing) within a day.
 * - operational high 4h / 72h: half a working day to reach the JOC chief; a decision before the
 *   situation outgrows the operational window.
 * - operational medium 24h / 7d and low 72h / 14d: the weekly threat-matrix and SMT cycle.
 * - strategic critical 4h / 72h: UNOCC watches around the clock; UNHQ decisions take days.
 * - strategic high 24h / 14d, medium 72h / 30d, low 7d / 90d: from the daily brief to the
 *   monthly and quarterly reporting cycles.
 */
export const RESPONSE_DEADLINES: Record<Level, Record<Grade, Deadlines>> = {
  tactical: {
    critical: { acknowledgeWithin: '15m', actWithin: '1h' },
    high: { acknowledgeWithin: '30m', actWithin: '4h' },
    medium: { acknowledgeWithin: '2h', actWithin: '24h' },
    low: { acknowledgeWithin: '8h', actWithin: '72h' },
  },
  operational: {
    critical: { acknowledgeWithin: '1h', actWithin: '24h' },
    high: { acknowledgeWithin: '4h', actWithin: '72h' },
    medium: { acknowledgeWithin: '24h', actWithin: '7d' },
    low: { acknowledgeWithin: '72h', actWithin: '14d' },
  },
  strategic: {
    critical: { acknowledgeWithin: '4h', actWithin: '72h' },
    high: { acknowledgeWithin: '24h', actWithin: '14d' },
    medium: { acknowledgeWithin: '72h', actWithin: '30d' },
    low: { acknowledgeWithin: '7d', actWithin: '90d' },
  },
}

/** Who answers for an alert by default: the level's owner (domain notes, levels table). */
export const RESPONSIBLE_BY_LEVEL: Record<Level, string> = {
  tactical: 'Sector JOC',
  operational: 'Mission JOC',
  strategic: 'UNHQ DPO/OMA',
}

/** The level's generic first step, for a threshold that names none. */
export const ACTIONS_BY_LEVEL: Record<Level, string> = {
  tactical: 'Confirm the reports with the sector and decide the force-protection posture',
  operational: 'Brief mission leadership and decide the mission-level response',
  strategic: 'Brief UNHQ and decide on posture, mandate or force-generation follow-up',
}

/** A threshold's response, its gaps filled from the defaults of its level and grade. */
export function resolveResponse(block: ResponseBlock | undefined, level: Level, grade: Grade): AlertResponse {
  const b = block ?? {}
  const d = RESPONSE_DEADLINES[level][grade]
  const defaulted: string[] = []
  const pick = <T>(field: string, value: T | undefined, fallback: T): T => {
    if (value !== undefined) return value
    defaulted.push(field)
    return fallback
  }
  return {
    actions: pick('actions', b.actions, [ACTIONS_BY_LEVEL[level]]),
    responsible: pick('responsible', b.responsible, RESPONSIBLE_BY_LEVEL[level]),
    acknowledgeWithin: pick('acknowledgeWithin', b.acknowledgeWithin, d.acknowledgeWithin),
    actWithin: pick('actWithin', b.actWithin, d.actWithin),
    references: b.references ?? [],
    defaulted,
  }
}

/** The response as it applies from `since`: its deadlines. */
export function startResponse(r: AlertResponse, since: number): AlertResponseState {
  return { ...r, since, acknowledgeBy: since + durationMs(r.acknowledgeWithin), actBy: since + durationMs(r.actWithin) }
}
