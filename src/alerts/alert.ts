import type { Confidence, Grade, Level } from './levels.js'
import type { Explanation } from '../rules/compile-indicator.js'
import type { AreaRef } from '../reports/report-place.js'

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'expired', 'withdrawn'] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]
/** Statuses in which an alert is live: new inputs update it, and it can expire. */
export const ACTIVE_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged']

export const CHANGE_KINDS = [
  'raised', 'updated', 'escalated', 'downgraded', 'acknowledged', 'resolved', 'expired', 'withdrawn',
  'silenced', 'unsilenced', 'inhibited', 'released',
] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]

/**
 * Where an alert applies: the mission, the group values, for radius indicators a circle, and
 * the place hierarchy derived from its inputs: the admin1 and admin2 where most of them lie
 * (names and P-codes), its site and route when its scope has one, and every area they touch.
 */
export interface AlertScope {
  mission: string
  groupBy: Record<string, string>
  admin1?: string
  admin1Pcode?: string
  admin2?: string
  admin2Pcode?: string
  route?: string
  site?: string
  siteId?: string
  /** Every admin1 and admin2 area its inputs lie in: what area filters, silences, inhibition and keys match. */
  areas?: AreaRef[]
  /** The fixed centre of a radius indicator's circle: where its first input happened. */
  center?: { lat: number; lon: number }
  radiusKm?: number
  /** Mean position of the inputs in the window. */
  centroid?: { lat: number; lon: number }
}

/** An alert as stored: times in epoch ms. */
export interface AlertState {
  id: number
  identity: string
  indicatorId: string
  indicatorVersion: number
  ruleSetVersion: string
  mission: string
  taxonomy: string[]
  topCategory: string
  level: Level
  grade: Grade
  rank: number
  status: AlertStatus
  statusReason: string | null
  confidence: Confidence
  trend: number | null
  scope: AlertScope
  windowMs: number
  count: number
  facts: Record<string, number | null>
  explanation: Explanation
  summary: string
  firstSeen: number
  lastSeen: number
  anchorAt: number
  raisedAt: number
  updatedAt: number
  expiresAt: number
  seq: number
  /** A silence matched the alert at its last change: stored, but left out of the default poll. */
  silenced: boolean
  /** A higher-level active alert of the same family covers its area (Alertmanager's inhibition). */
  inhibited: boolean
  acknowledgedBy: string | null
  acknowledgedAt: number | null
  resolvedBy: string | null
  resolvedAt: number | null
}

export function isActive(status: AlertStatus): boolean {
  return ACTIVE_STATUSES.includes(status)
}
