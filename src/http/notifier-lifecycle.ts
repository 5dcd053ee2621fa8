import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Clock } from '../clock.js'
import type { Services } from '../services.js'
import type { Metrics } from './metrics.js'
import { createNotifier, type Notifier } from '../notify/notifier.js'
import { createNotifyMetrics } from '../notify/notify-metrics.js'
import type { RoutingRegistry, RoutingReloadAttempt } from '../notify/routing-registry.js'
import { notificationsRoutes } from './notifications-routes.js'
import { briefsRoutes } from './briefs-routes.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The notification sender; tests run its rounds by hand with a fixed clock. */
    notifier: Notifier
    /** Reloads the routing file (file change, SIGHUP), all or nothing. */
    reloadRouting: (trigger: string) => Promise<RoutingReloadAttempt>
  }
}

export interface NotificationsOptions {
  config: Config
  services: Services
  routing: RoutingRegistry
  metrics: Metrics
  clock: Clock
  logger: Logger
}

/** Logs a routing reload like a rules reload: the problems at warn, a refusal at error. */
function logRoutingReload(logger: Logger, a: RoutingReloadAttempt, live: string) {
  const fields = { trigger: a.trigger, version: a.version, ok: a.ok, changed: a.changed, file: a.missing ? 'missing' : undefined }
  if (a.ok) return logger.info({ ...fields, live }, a.changed ? 'routing reloaded' : 'routing reloaded: no change')
  for (const p of a.problems) logger.warn({ file: p.file, line: p.line, column: p.column, path: p.path }, p.message)
  logger.error({ ...fields, problems: a.problems.length, live }, `routing reload refused; version ${live} stays live`)
}

/**
 * Notifications in the app: the notifier on a timer while the app runs (stopped, and its round
 * under way awaited, when it closes), the routing reload, and the notification log routes.
 */
export async function installNotifications(app: FastifyInstance, o: NotificationsOptions) {
  const { services, routing, config } = o
  const counters = createNotifyMetrics(o.metrics.registry, services.notificationLog)
  const notifier = createNotifier({
    queue: services.queue, outbox: services.notifications, alerts: services.writerAlerts, log: services.notificationLog,
    routing: () => routing.current(), briefs: services.briefs, briefLog: services.briefLog, clock: o.clock, logger: o.logger.child({ component: 'notifier' }),
    maxAttempts: config.notifyMaxAttempts, retryBaseMs: config.notifyRetryBaseMs, retryMaxMs: config.notifyRetryMaxMs,
    onAttempt: counters.attempt, onFailed: counters.failed,
  })
  app.decorate('notifier', notifier)
  app.decorate('reloadRouting', async (trigger: string) => {
    // Through the write queue: a swap never lands inside an evaluation's routing of its changes.
    const attempt = await services.queue.run(() => routing.reload(trigger))
    logRoutingReload(o.logger, attempt, routing.current().version)
    return attempt
  })
  let timer: NodeJS.Timeout | null = null
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      notifier.tick().catch((err: unknown) => app.log.error({ err }, 'notification round failed'))
    }, config.notifyIntervalMs)
    timer.unref()
  })
  app.addHook('preClose', async () => {
    if (timer) clearInterval(timer)
    timer = null
    await notifier.idle().catch(() => undefined)
  })
  await app.register(notificationsRoutes, { log: services.notificationLog, routing })
  await app.register(briefsRoutes, { briefs: services.briefLog })
}
