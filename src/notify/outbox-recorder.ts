import type { AlertChange } from '../storage/alerts-repo.js'
import type { NotificationsRepo } from '../storage/notifications-repo.js'
import { routeChange, type Routing } from './routing-tree.js'

/**
 * Puts each alert change in the notification outbox, routed, inside the transaction that wrote
 * it: the change and its notifications commit together or not at all. Silences and inhibition
 * come first: a change to a silenced or inhibited alert is routed nowhere.
 */
export function createOutboxRecorder(repo: NotificationsRepo, routing: () => Routing) {
  return {
    record(change: AlertChange) {
      const a = change.alert
      if (a.silenced || a.inhibited) return
      for (const hit of routeChange(routing(), a, change.kind)) {
        repo.enqueue(hit, { seq: change.seq, alertId: change.alertId, kind: change.kind, mission: a.mission }, change.at)
      }
    },
  }
}

export type OutboxRecorder = ReturnType<typeof createOutboxRecorder>
