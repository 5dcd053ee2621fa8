import { Counter, Gauge, type Registry } from 'prom-client'
import type { NotificationsRepo } from '../storage/notifications-repo.js'

/**
 * The notification metrics, on the service's registry: attempts and give-ups as they happen,
 * messages by state and the outbox backlog read from the database at scrape time.
 */
export function createNotifyMetrics(registry: Registry, log: NotificationsRepo) {
  const attempts = new Counter({
    name: 'vigil_notification_attempts_total', help: 'Delivery attempts, by receiver and outcome (ok, error)',
    labelNames: ['receiver', 'outcome'] as const, registers: [registry],
  })
  const failed = new Counter({
    name: 'vigil_notifications_failed_total', help: 'Messages given up after the last attempt, by receiver',
    labelNames: ['receiver'] as const, registers: [registry],
  })
  new Gauge({
    name: 'vigil_notification_messages', help: 'Notification messages by receiver and status (pending, sent, failed)',
    labelNames: ['receiver', 'status'] as const, registers: [registry],
    collect() {
      this.reset()
      for (const r of log.countByState()) this.set({ receiver: r.receiver, status: r.status }, r.count)
    },
  })
  new Gauge({
    name: 'vigil_notification_outbox_waiting', help: 'Alert changes in the outbox waiting for their group\'s next message', registers: [registry],
    collect() { this.set(log.waitingCount()) },
  })
  return {
    attempt(receiver: string, ok: boolean) { attempts.inc({ receiver, outcome: ok ? 'ok' : 'error' }) },
    failed(receiver: string) { failed.inc({ receiver }) },
  }
}
