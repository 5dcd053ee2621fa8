import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { isActive, type AlertState } from '../alerts/alert.js'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import type { NotificationGroup, NotificationMessage, NotificationsRepo, OutboxEntry } from '../storage/notifications-repo.js'
import type { Serializer } from '../rules/rule-reloader.js'
import { buildPayload, type NotificationPayload } from './notification-payload.js'
import type { Routing } from './routing-tree.js'
import { sendTo, type SendResult } from './senders.js'
import type { BriefsRepo } from '../storage/briefs-repo.js'
import { lastDue } from '../briefs/brief-schedule.js'
import { makeBrief } from '../briefs/brief-maker.js'
import { isNullReceiver } from './routing-tree.js'
import type { BriefPayload, DeliveryPayload } from './notification-payload.js'

export interface NotifierDeps {
  queue: Serializer
  /** Writer-side repositories: used only inside write jobs. */
  outbox: NotificationsRepo
  alerts: AlertsRepo
  /** Reader-side log: what is due to be sent (committed rows only). */
  log: NotificationsRepo
  routing: () => Routing
  /** Briefs on the writer (made in write jobs) and on the reader (what was made already). */
  briefs: BriefsRepo
  briefLog: BriefsRepo
  clock: Clock
  logger: Logger
  maxAttempts: number
  retryBaseMs: number
  retryMaxMs: number
  /** Sends one message; the real senders unless a caller brings its own. */
  send?: (receiverName: string, payload: DeliveryPayload) => Promise<SendResult>
  /** Told of every attempt and every message given up (metrics). */
  onAttempt?: (receiver: string, ok: boolean) => void
  onFailed?: (receiver: string) => void
}

/** Most messages sent in one round; the rest wait for the next. */
const BATCH = 50

/** Why an alert's waiting changes are not sent, or null to send them. */
function dropReason(a: AlertState | null): string | null {
  if (!a) return 'alert not found'
  if (a.silenced) return 'silenced'
  if (a.inhibited) return 'inhibited'
  return null
}

/**
 * The notifier: turns due groups into messages (in write jobs, so a message and the changes it
 * carries commit together) and delivers pending messages with retries and exponential backoff.
 * Every state lives in SQLite, so a restart picks up exactly where a crash left off; a message
 * whose send was under way when the process died is sent again, under the same idempotency key.
 */
export function createNotifier(deps: NotifierDeps) {
  const { outbox, alerts, log, clock, logger } = deps
  const send = deps.send ?? ((name: string, payload: DeliveryPayload) => {
    const r = deps.routing().receivers.get(name)
    if (!r) return Promise.resolve({ ok: false, detail: `receiver '${name}' is not in the routing file any more` })
    return sendTo(r, payload)
  })

  function makeMessage(g: NotificationGroup, reason: 'changes' | 'repeat', items: { alert: AlertState; changes: { seq: number; kind: string }[] }[], entries: OutboxEntry[], now: number) {
    const idempotencyKey = `vigil-${randomUUID()}`
    const payload = buildPayload({ idempotencyKey, receiver: g.receiver, mission: g.mission, group: g.groupKey, reason, createdAt: now, alerts: items })
    outbox.createMessage({
      idempotencyKey, receiver: g.receiver, groupKey: g.groupKey, mission: g.mission, reason, payload,
      alertIds: items.map((i) => i.alert.id), entryIds: entries.map((e) => e.id), createdAt: now,
    })
  }

  /** A due group's waiting changes become one message; silenced or inhibited alerts drop out. */
  function flushGroup(g: NotificationGroup, now: number) {
    const entries = outbox.waiting(g.groupKey)
    const byAlert = new Map<number, OutboxEntry[]>()
    for (const e of entries) byAlert.set(e.alertId, [...(byAlert.get(e.alertId) ?? []), e])
    const firing = new Set(g.firing)
    const items: { alert: AlertState; changes: { seq: number; kind: string }[] }[] = []
    const carried: OutboxEntry[] = []
    for (const [alertId, list] of byAlert) {
      const alert = alerts.get(alertId)
      const reason = dropReason(alert)
      if (reason !== null || !alert) {
        for (const e of list) outbox.drop(e.id, reason ?? 'alert not found')
        continue
      }
      items.push({ alert, changes: list.map((e) => ({ seq: e.changeSeq, kind: e.kind })) })
      carried.push(...list)
      if (isActive(alert.status)) firing.add(alertId)
      else firing.delete(alertId)
    }
    if (items.length === 0) return outbox.groupIdle(g.groupKey, [...firing])
    makeMessage(g, 'changes', items, carried, now)
    outbox.groupFlushed(g.groupKey, now, [...firing])
  }

  /** A group whose alerts stayed active and unchanged for its repeat interval is reminded. */
  function repeatGroup(g: NotificationGroup, now: number) {
    const live = g.firing.map((id) => alerts.get(id)).filter((a): a is AlertState => a !== null && isActive(a.status) && dropReason(a) === null)
    if (live.length === 0) return outbox.groupIdle(g.groupKey, [])
    makeMessage(g, 'repeat', live.map((alert) => ({ alert, changes: [{ seq: alert.seq, kind: 'repeat' }] })), [], now)
    outbox.groupFlushed(g.groupKey, now, live.map((a) => a.id))
  }

  /** Makes the messages due at `now`; run as a write job. Returns how many groups it flushed. */
  function flushDue(now: number): number {
    const due = outbox.dueGroups(now)
    for (const g of due) flushGroup(g, now)
    const repeats = outbox.repeatDue(now)
    for (const g of repeats) repeatGroup(g, now)
    return due.length + repeats.length
  }

  /** Makes the briefs due by `now` that were not made yet, each with a message per receiver; a write job. */
  function makeDueBriefs(due: { b: Routing['briefs'][number]; at: number }[], now: number) {
    const routing = deps.routing()
    for (const { b, at } of due) {
      const made = makeBrief({ alerts, briefs: deps.briefs }, b, at, now)
      if (!made) continue
      logger.info({ mission: b.mission, every: b.every, due: new Date(at).toISOString(), brief: made.id }, 'brief made')
      for (const receiver of b.receivers) {
        const r = routing.receivers.get(receiver)
        if (!r || isNullReceiver(r)) continue
        const idempotencyKey = `vigil-${randomUUID()}`
        const payload: BriefPayload = {
          version: 1, kind: 'brief', idempotencyKey, receiver, mission: b.mission, every: b.every,
          from: made.data.from, to: made.data.to, title: made.markdown.split('\n')[0]!.replace(/^# /, ''), markdown: made.markdown,
        }
        outbox.createMessage({
          idempotencyKey, receiver, groupKey: `brief|${b.mission}|${b.every}`, mission: b.mission, reason: 'brief', payload,
          alertIds: [], entryIds: [], createdAt: now,
        })
      }
    }
  }

  /** The briefs whose due time has come and that the reader does not hold yet. */
  function dueBriefs(now: number) {
    return deps.routing().briefs
      .map((b) => ({ b, at: lastDue(b, now) }))
      .filter(({ b, at }) => {
        const last = deps.briefLog.latestDue(b.mission, b.every)
        return last === null || last < at
      })
  }

  const backoff = (attempts: number) => Math.min(deps.retryMaxMs, deps.retryBaseMs * 2 ** Math.min(attempts, 30))

  /** Sends the messages due at `now`, then records every attempt in one write job. */
  async function deliverDue(now: number): Promise<number> {
    const due = log.dueMessages(now, BATCH)
    if (due.length === 0) return 0
    const results = await Promise.all(due.map(async (m) => {
      const started = performance.now()
      let result: SendResult
      try {
        result = await send(m.receiver, m.payload as DeliveryPayload)
      } catch (err) {
        result = { ok: false, detail: (err as Error).message }
      }
      return { m, result, ms: performance.now() - started }
    }))
    const at = clock()
    await deps.queue.run(() => {
      for (const { m, result, ms } of results) record(m, result, ms, at)
    })
    return due.length
  }

  function record(m: NotificationMessage, result: SendResult, ms: number, at: number) {
    outbox.attempted(m.id, at, result.ok, ms, result.detail)
    deps.onAttempt?.(m.receiver, result.ok)
    if (result.ok) {
      outbox.sent(m.id, at)
      logger.info({ message: m.id, receiver: m.receiver, key: m.idempotencyKey, attempts: m.attempts + 1 }, 'notification sent')
      return
    }
    const attempts = m.attempts + 1
    if (attempts >= deps.maxAttempts) {
      outbox.failed(m.id, result.detail)
      deps.onFailed?.(m.receiver)
      logger.error({ message: m.id, receiver: m.receiver, key: m.idempotencyKey, attempts, error: result.detail }, 'notification failed: giving up')
      return
    }
    const next = at + backoff(m.attempts)
    outbox.retryAt(m.id, next, result.detail)
    logger.warn({ message: m.id, receiver: m.receiver, attempts, retryAt: new Date(next).toISOString(), error: result.detail }, 'notification not delivered; will retry')
  }

  let running: Promise<void> | null = null

  /** One round: flush due groups, then deliver due messages. Rounds never overlap. */
  function tick(): Promise<void> {
    if (running) return running
    running = (async () => {
      try {
        // Looked up on the reader first: an idle round never opens a write transaction (whose
        // commit would wake every waiting poll and stream).
        const now = clock()
        if (log.dueGroups(now).length > 0 || log.repeatDue(now).length > 0) await deps.queue.run(() => flushDue(clock()))
        const briefs = dueBriefs(now)
        if (briefs.length > 0) await deps.queue.run(() => makeDueBriefs(briefs, now))
        await deliverDue(clock())
      } finally {
        running = null
      }
    })()
    return running
  }

  return {
    tick,
    /** Waits for the round under way, if any. */
    idle: () => running ?? Promise.resolve(),
  }
}

export type Notifier = ReturnType<typeof createNotifier>
