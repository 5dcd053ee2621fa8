import type { Db } from './db.js'
import type { ChangeKind } from '../alerts/alert.js'
import type { RouteHit } from '../notify/routing-tree.js'

export const MESSAGE_STATUSES = ['pending', 'sent', 'failed'] as const
/** Why a message was made: alert changes, a reminder of unchanged alerts, a scheduled brief. */
export type MessageReason = 'changes' | 'repeat' | 'brief'
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

/** An alert change waiting in the outbox for its group's next message. */
export interface OutboxEntry {
  id: number
  changeSeq: number
  alertId: number
  kind: ChangeKind
  mission: string
  receiver: string
  groupKey: string
  createdAt: number
}

export interface NotificationGroup {
  groupKey: string
  receiver: string
  mission: string
  groupWaitMs: number
  groupIntervalMs: number
  repeatIntervalMs: number
  dueAt: number | null
  lastFlushAt: number | null
  firing: number[]
}

export interface NotificationMessage {
  id: number
  idempotencyKey: string
  receiver: string
  groupKey: string
  mission: string
  reason: MessageReason
  payload: unknown
  status: MessageStatus
  attempts: number
  nextAttemptAt: number
  createdAt: number
  sentAt: number | null
  lastError: string | null
}

export interface NotificationFilter {
  /** The missions the caller may see; undefined = all. */
  missions?: readonly string[]
  alert?: number
  receiver?: string
  status?: MessageStatus
  /** Messages with an id below this (pages go newest first). */
  before?: number
  limit: number
}

type MessageRow = {
  id: number; idempotency_key: string; receiver: string; group_key: string; mission: string; reason: MessageReason
  payload: string; status: MessageStatus; attempts: number; next_attempt_at: number; created_at: number; sent_at: number | null; last_error: string | null
}
type GroupRow = {
  group_key: string; receiver: string; mission: string; group_wait_ms: number; group_interval_ms: number; repeat_interval_ms: number
  due_at: number | null; last_flush_at: number | null; firing: string
}
type OutboxRow = { id: number; change_seq: number; alert_id: number; kind: ChangeKind; mission: string; receiver: string; group_key: string; created_at: number }

const toMessage = (r: MessageRow): NotificationMessage => ({
  id: r.id, idempotencyKey: r.idempotency_key, receiver: r.receiver, groupKey: r.group_key, mission: r.mission, reason: r.reason,
  payload: JSON.parse(r.payload) as unknown, status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at, sentAt: r.sent_at, lastError: r.last_error,
})
const toGroup = (r: GroupRow): NotificationGroup => ({
  groupKey: r.group_key, receiver: r.receiver, mission: r.mission, groupWaitMs: r.group_wait_ms, groupIntervalMs: r.group_interval_ms,
  repeatIntervalMs: r.repeat_interval_ms, dueAt: r.due_at, lastFlushAt: r.last_flush_at, firing: JSON.parse(r.firing) as number[],
})
const toEntry = (r: OutboxRow): OutboxEntry => ({
  id: r.id, changeSeq: r.change_seq, alertId: r.alert_id, kind: r.kind, mission: r.mission, receiver: r.receiver, groupKey: r.group_key, createdAt: r.created_at,
})

/** The outbox, the groups, the messages and their attempts. Writes run in the caller's transaction. */
export function createNotificationsRepo(db: Db) {
  const insertEntry = db.prepare(`INSERT INTO notification_outbox (change_seq, alert_id, kind, mission, receiver, route, group_key, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
  const getGroup = db.prepare('SELECT * FROM notification_groups WHERE group_key = ?')
  const insertGroup = db.prepare(`INSERT INTO notification_groups (group_key, receiver, mission, group_wait_ms, group_interval_ms, repeat_interval_ms, due_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
  const setDue = db.prepare('UPDATE notification_groups SET due_at = ?, group_wait_ms = ?, group_interval_ms = ?, repeat_interval_ms = ? WHERE group_key = ?')
  const dueGroups = db.prepare('SELECT * FROM notification_groups WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at')
  const repeatGroups = db.prepare(`SELECT * FROM notification_groups WHERE due_at IS NULL AND firing != '[]'
    AND last_flush_at IS NOT NULL AND last_flush_at + repeat_interval_ms <= ? ORDER BY last_flush_at`)
  const waiting = db.prepare('SELECT * FROM notification_outbox WHERE group_key = ? AND message_id IS NULL AND dropped IS NULL ORDER BY id')
  const dropStmt = db.prepare('UPDATE notification_outbox SET dropped = ? WHERE id = ?')
  const carryStmt = db.prepare('UPDATE notification_outbox SET message_id = ? WHERE id = ?')
  const flushed = db.prepare('UPDATE notification_groups SET due_at = NULL, last_flush_at = ?, firing = ? WHERE group_key = ?')
  const clearDue = db.prepare('UPDATE notification_groups SET due_at = NULL, firing = ? WHERE group_key = ?')
  const insertMessage = db.prepare(`INSERT INTO notification_messages (idempotency_key, receiver, group_key, mission, reason, payload, status, next_attempt_at, created_at)
    VALUES (@idempotencyKey, @receiver, @groupKey, @mission, @reason, @payload, 'pending', @createdAt, @createdAt)`)
  const linkAlert = db.prepare('INSERT OR IGNORE INTO notification_message_alerts (message_id, alert_id) VALUES (?, ?)')
  const dueMessages = db.prepare("SELECT * FROM notification_messages WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?")
  const insertAttempt = db.prepare('INSERT INTO notification_attempts (message_id, at, ok, duration_ms, detail) VALUES (?, ?, ?, ?, ?)')
  const markSent = db.prepare("UPDATE notification_messages SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'")
  const markRetry = db.prepare("UPDATE notification_messages SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'")
  const markFailed = db.prepare("UPDATE notification_messages SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'")
  const getMessage = db.prepare('SELECT * FROM notification_messages WHERE id = ?')
  const attemptsOf = db.prepare('SELECT at, ok, duration_ms, detail FROM notification_attempts WHERE message_id = ? ORDER BY id')
  const alertsOf = db.prepare('SELECT alert_id FROM notification_message_alerts WHERE message_id = ? ORDER BY alert_id').pluck()
  const countStmt = db.prepare('SELECT receiver, status, count(*) AS count FROM notification_messages GROUP BY receiver, status')
  const waitingCount = db.prepare('SELECT count(*) FROM notification_outbox WHERE message_id IS NULL AND dropped IS NULL').pluck()

  return {
    /** Puts one routed alert change in the outbox and makes its group due (Alertmanager's timing). */
    enqueue(hit: RouteHit, change: { seq: number; alertId: number; kind: ChangeKind; mission: string }, now: number) {
      insertEntry.run(change.seq, change.alertId, change.kind, change.mission, hit.receiver, hit.route, hit.groupKey, now)
      const row = getGroup.get(hit.groupKey) as GroupRow | undefined
      if (!row) {
        insertGroup.run(hit.groupKey, hit.receiver, change.mission, hit.groupWaitMs, hit.groupIntervalMs, hit.repeatIntervalMs, now + hit.groupWaitMs)
        return
      }
      // A group already due keeps its time; an idle one waits groupInterval after its last message.
      const due = row.due_at ?? (row.last_flush_at === null ? now + hit.groupWaitMs : Math.max(now, row.last_flush_at + hit.groupIntervalMs))
      setDue.run(due, hit.groupWaitMs, hit.groupIntervalMs, hit.repeatIntervalMs, hit.groupKey)
    },

    dueGroups(now: number): NotificationGroup[] {
      return (dueGroups.all(now) as GroupRow[]).map(toGroup)
    },

    /** Groups with active alerts sent and nothing new since for their repeat interval. */
    repeatDue(now: number): NotificationGroup[] {
      return (repeatGroups.all(now) as GroupRow[]).map(toGroup)
    },

    waiting(groupKey: string): OutboxEntry[] {
      return (waiting.all(groupKey) as OutboxRow[]).map(toEntry)
    },

    drop(entryId: number, reason: string) {
      dropStmt.run(reason, entryId)
    },

    /** Records a message made from a group's waiting changes (or a repeat); returns its id. */
    createMessage(m: { idempotencyKey: string; receiver: string; groupKey: string; mission: string; reason: MessageReason; payload: unknown; alertIds: number[]; entryIds: number[]; createdAt: number }): number {
      const id = Number(insertMessage.run({ ...m, payload: JSON.stringify(m.payload) }).lastInsertRowid)
      for (const a of m.alertIds) linkAlert.run(id, a)
      for (const e of m.entryIds) carryStmt.run(id, e)
      return id
    },

    groupFlushed(groupKey: string, at: number, firing: number[]) {
      flushed.run(at, JSON.stringify(firing), groupKey)
    },

    /** Nothing was left to send: the group waits for its next change. */
    groupIdle(groupKey: string, firing: number[]) {
      clearDue.run(JSON.stringify(firing), groupKey)
    },

    dueMessages(now: number, limit: number): NotificationMessage[] {
      return (dueMessages.all(now, limit) as MessageRow[]).map(toMessage)
    },

    attempted(messageId: number, at: number, ok: boolean, durationMs: number, detail: string) {
      insertAttempt.run(messageId, at, ok ? 1 : 0, Math.round(durationMs), detail.slice(0, 2000))
    },
    sent(messageId: number, at: number) {
      markSent.run(at, messageId)
    },
    retryAt(messageId: number, at: number, error: string) {
      markRetry.run(at, error.slice(0, 2000), messageId)
    },
    failed(messageId: number, error: string) {
      markFailed.run(error.slice(0, 2000), messageId)
    },

    get(id: number): NotificationMessage | null {
      const row = getMessage.get(id) as MessageRow | undefined
      return row ? toMessage(row) : null
    },

    /** The notification log, newest first, each message with its alerts and attempts. */
    list(f: NotificationFilter) {
      const where: string[] = []
      const params: unknown[] = []
      if (f.missions) { where.push(`mission IN (${f.missions.map(() => '?').join(',') || 'NULL'})`); params.push(...f.missions) }
      if (f.alert !== undefined) { where.push('id IN (SELECT message_id FROM notification_message_alerts WHERE alert_id = ?)'); params.push(f.alert) }
      if (f.receiver !== undefined) { where.push('receiver = ?'); params.push(f.receiver) }
      if (f.status !== undefined) { where.push('status = ?'); params.push(f.status) }
      if (f.before !== undefined) { where.push('id < ?'); params.push(f.before) }
      const sql = `SELECT * FROM notification_messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
      const rows = db.prepare(sql).all(...params, f.limit) as MessageRow[]
      return rows.map((r) => ({
        ...toMessage(r),
        alertIds: alertsOf.all(r.id) as number[],
        attemptLog: (attemptsOf.all(r.id) as { at: number; ok: number; duration_ms: number; detail: string | null }[])
          .map((a) => ({ at: a.at, ok: a.ok === 1, durationMs: a.duration_ms, detail: a.detail })),
      }))
    },

    countByState(): { receiver: string; status: MessageStatus; count: number }[] {
      return countStmt.all() as { receiver: string; status: MessageStatus; count: number }[]
    },

    waitingCount(): number {
      return waitingCount.get() as number
    },
  }
}

export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>
