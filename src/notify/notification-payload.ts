import { isActive, type AlertState } from '../alerts/alert.js'

/** One alert in a message: as it stands when the message is made, with the changes it carries. */
export interface PayloadAlert {
  id: number
  indicatorId: string
  mission: string
  level: AlertState['level']
  grade: AlertState['grade']
  status: AlertState['status']
  confidence: AlertState['confidence']
  summary: string
  category: string
  area: { admin1?: string; admin2?: string; route?: string; site?: string }
  count: number
  raisedAt: string
  updatedAt: string
  expiresAt: string
  /** The changes this message reports ('repeat' for a reminder of an unchanged alert). */
  changes: { seq: number; kind: string }[]
}

/**
 * What every receiver is sent, fixed when the message is made: every retry sends the same content
 * under the same idempotency key, so a receiver can drop a duplicate.
 */
export interface NotificationPayload {
  version: 1
  idempotencyKey: string
  receiver: string
  mission: string
  group: string
  reason: 'changes' | 'repeat'
  /** firing while any of its alerts is active, resolved when none is. */
  status: 'firing' | 'resolved'
  createdAt: string
  alerts: PayloadAlert[]
}

const iso = (t: number) => new Date(t).toISOString()

function payloadAlert(a: AlertState, changes: { seq: number; kind: string }[]): PayloadAlert {
  const area: PayloadAlert['area'] = {}
  for (const k of ['admin1', 'admin2', 'route', 'site'] as const) if (a.scope[k] !== undefined) area[k] = a.scope[k]
  return {
    id: a.id, indicatorId: a.indicatorId, mission: a.mission, level: a.level, grade: a.grade, status: a.status,
    confidence: a.confidence, summary: a.summary, category: a.topCategory, area, count: a.count,
    raisedAt: iso(a.raisedAt), updatedAt: iso(a.updatedAt), expiresAt: iso(a.expiresAt), changes,
  }
}

/** Builds a message's content; alerts worst first (rank, then newest change). */
export function buildPayload(m: {
  idempotencyKey: string; receiver: string; mission: string; group: string; reason: 'changes' | 'repeat'; createdAt: number
  alerts: { alert: AlertState; changes: { seq: number; kind: string }[] }[]
}): NotificationPayload {
  const alerts = [...m.alerts].sort((x, y) => y.alert.rank - x.alert.rank || y.alert.seq - x.alert.seq)
  return {
    version: 1, idempotencyKey: m.idempotencyKey, receiver: m.receiver, mission: m.mission, group: m.group, reason: m.reason,
    status: alerts.some((x) => isActive(x.alert.status)) ? 'firing' : 'resolved',
    createdAt: iso(m.createdAt),
    alerts: alerts.map((x) => payloadAlert(x.alert, x.changes)),
  }
}

/** The worst alert of a message (the first: payloads are sorted worst first). */
export function worstOf(p: NotificationPayload): PayloadAlert | undefined {
  return p.alerts[0]
}

/** A scheduled brief as sent to a receiver: its Markdown, fixed when made. */
export interface BriefPayload {
  version: 1
  kind: 'brief'
  idempotencyKey: string
  receiver: string
  mission: string
  every: 'day' | 'week'
  from: string
  to: string
  title: string
  markdown: string
}

/** What a message carries: alert changes, or a brief. */
export type DeliveryPayload = NotificationPayload | BriefPayload

export const isBrief = (p: DeliveryPayload): p is BriefPayload => (p as BriefPayload).kind === 'brief'
