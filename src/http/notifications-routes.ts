import { errors } from '../errors.js'
import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { scopeOf } from './access.js'
import { MESSAGE_STATUSES, type NotificationsRepo } from '../storage/notifications-repo.js'
import type { RoutingRegistry } from '../notify/routing-registry.js'

const query = z.strictObject({
  alert: z.coerce.number().int().min(1).optional().describe('only messages that carried this alert'),
  receiver: z.string().min(1).max(64).optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  before: z.coerce.number().int().min(1).optional().describe('messages older than this id (the previous page\'s nextBefore)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** The notification log (newest first) and the live routing's status. */
export const notificationsRoutes: FastifyPluginAsync<{ log: NotificationsRepo; routing: RoutingRegistry }> = async (app, { log, routing }) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get('/notifications', {
    schema: { summary: 'Notification messages: receiver, alerts, status, every delivery attempt', tags: ['notifications'], querystring: query },
    config: { permission: 'notifications:read' },
  }, async (req) => {
    const q = req.query
    const missions = scopeOf(req)
    // A message may group alerts of several areas: the log is for keys that see whole missions.
    if (req.principal.areas !== null) throw errors.OUT_OF_AREA('the notification log of whole missions', 'areas')
    const rows = log.list({
      ...(missions ? { missions } : {}), ...(q.alert !== undefined ? { alert: q.alert } : {}), ...(q.receiver ? { receiver: q.receiver } : {}),
      ...(q.status ? { status: q.status } : {}), ...(q.before !== undefined ? { before: q.before } : {}), limit: q.limit,
    })
    return {
      notifications: rows.map((m) => ({
        id: m.id, idempotencyKey: m.idempotencyKey, receiver: m.receiver, mission: m.mission, reason: m.reason, status: m.status,
        attempts: m.attempts, nextAttemptAt: m.status === 'pending' ? iso(m.nextAttemptAt) : null, createdAt: iso(m.createdAt),
        sentAt: iso(m.sentAt), lastError: m.lastError, alertIds: m.alertIds, payload: m.payload,
        attemptLog: m.attemptLog.map((a) => ({ ...a, at: iso(a.at) })),
      })),
      nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
    }
  })

  r.get('/routing/status', {
    schema: { summary: 'The live notification routing: version, receivers, the last reload attempt and the last refused one', tags: ['notifications'] },
    config: { permission: 'rules:manage' },
  }, async () => routing.status())
}
