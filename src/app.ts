import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { serializerCompiler } from 'fastify-type-provider-zod'
import { openApiTransform, openApiTransformObject } from './http/openapi.js'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { Clock } from './clock.js'
import type { Store } from './storage/store.js'
import type { Taxonomy } from './taxonomy/taxonomy.js'
import type { RuleRegistry } from './rules/rule-registry.js'
import type { GazetteerRegistry } from './gazetteer/gazetteer-registry.js'
import { createGazetteerReloader, type ReloadGazetteers } from './gazetteer/gazetteer-reloader.js'
import { gazetteerRoutes } from './http/gazetteer-routes.js'
import { createServices, type Services } from './services.js'
import { zodValidatorCompiler } from './http/zod-validation.js'
import { makeErrorHandler } from './http/error-handler.js'
import { reportsRoutes } from './http/reports-routes.js'
import { alertsRoutes } from './http/alerts-routes.js'
import { alertFollowUpRoutes } from './http/alert-follow-up-routes.js'
import { indicatorPerformanceRoutes } from './http/indicator-performance-routes.js'
import { ruleDraftsRoutes } from './http/rule-drafts-routes.js'
import { createRuleDraftsRepo } from './storage/rule-drafts-repo.js'
import { silencesRoutes } from './http/silences-routes.js'
import { createMetrics, installHttpMetrics, metricsRoutes, type Metrics } from './http/metrics.js'
import { partnerRoutes } from './http/partner-routes.js'
import { createAlertReleasesRepo } from './storage/alert-releases-repo.js'
import { keysRoutes } from './http/keys-routes.js'
import { auditRoutes } from './http/audit-routes.js'
import { whoamiRoute } from './http/whoami-route.js'
import { installAccess } from './http/access.js'
import { strictUtf8Json } from './http/strict-json.js'
import { RequestLog } from './http/request-log.js'
import { securityHeaders } from './http/security-headers.js'
import { drainWritesOnClose } from './http/drain-writes.js'
import { createAuditor, type Auditor } from './http/audit.js'
import rateLimit from '@fastify/rate-limit'
import { taxonomyRoutes } from './http/taxonomy-routes.js'
import { healthRoutes } from './http/health-routes.js'
import { rulesRoutes } from './http/rules-routes.js'
import { createRuleReloader, type ReloadRules } from './rules/rule-reloader.js'
import { deprecatedIds } from './rules/rule-registry.js'
import { previewRule } from './evaluate/rule-preview.js'
import { RoutingRegistry } from './notify/routing-registry.js'
import { installNotifications } from './http/notifier-lifecycle.js'
import { capRoutes } from './http/cap-routes.js'
import { exportsRoutes } from './http/exports-routes.js'
import { createExportsRepo } from './storage/exports-repo.js'
import { boardStatic } from './http/board-static.js'
import { missionsRoutes } from './http/missions-routes.js'
import { backtestRoutes } from './http/backtest-routes.js'
import { BOARD_DIR } from './paths.js'
import { windowStateLoad, type WindowStateLoad } from './window-state-load.js'

export interface AppDeps {
  config: Config
  store: Store
  taxonomy: Taxonomy
  rules: RuleRegistry
  /** The missions' gazetteers: every report is placed against its mission's. */
  gazetteers: GazetteerRegistry
  clock: Clock
  logger: Logger
  /** The notification routing; none: an empty one (nothing is sent until it is reloaded). */
  routing?: RoutingRegistry
  /** The built board to serve at `/`; default dist/board. */
  boardDir?: string
}


declare module 'fastify' {
  interface FastifyInstance {
    vigil: Services
    /** Reloads the rules through the write queue; main.ts calls it on file changes and SIGHUP. */
    reloadRules: ReloadRules
    /** Reloads the gazetteers, all or nothing; main.ts calls it on file changes and SIGHUP. */
    reloadGazetteers: ReloadGazetteers
    /** The window state's load at start: `done` settles when it has ended. */
    windowState: WindowStateLoad
  }
}

/** Security around every route: keys and roles, per-key rate limits, security headers. */
async function secure(app: FastifyInstance, deps: AppDeps, services: Services) {
  const { config } = deps
  if (config.auth === 'off') {
    deps.logger.warn('AUTHENTICATION IS OFF (VIGIL_AUTH=off): every request acts as an anonymous admin. Never run a mission like this.')
  }
  // First, so refusals (401, 403) carry them too.
  securityHeaders(app)
  installAccess(app, { auth: config.auth, keys: services.liveKeys, publicPrefixes: ['/docs'] })
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: config.rateLimitWindowMs,
    // Per key once authenticated (onRequest order: access runs first), per address before that.
    hook: 'preHandler',
    keyGenerator: (req) => req.principal?.keyId ?? req.ip,
    allowList: (req) => req.routeOptions.config?.permission === 'public' || (req.routeOptions.url ?? '').startsWith('/docs'),
  })
}

/** Every route, each given only what it needs. */
async function routes(app: FastifyInstance, deps: AppDeps, services: Services, metrics: Metrics, auditor: Auditor) {
  const { config, clock } = deps
  await app.register(swagger, {
    openapi: {
      info: { title: 'vigil', version: '0.1.0', description: 'Early-warning indicator engine for UN peacekeeping missions' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: openApiTransform,
    transformObject: openApiTransformObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { persistAuthorization: true } })
  await app.register(healthRoutes, {
    readiness: {
      database: () => (deps.store.migrated() ? null : 'database not open or not migrated'),
      rules: () => (deps.rules.current().indicators.length > 0 ? null : 'no rules loaded'),
      inputs: () => app.windowState.problem(),
    },
  })
  await app.register(taxonomyRoutes, { taxonomy: deps.taxonomy })
  await app.register(gazetteerRoutes, { registry: deps.gazetteers, reload: app.reloadGazetteers })
  await app.register(rulesRoutes, {
    registry: deps.rules,
    reload: app.reloadRules,
    missions: config.missions,
    preview: (req) => previewRule({
      live: () => deps.rules.current(),
      deprecatedIds: () => deprecatedIds(deps.rules.dir),
      reports: services.reports,
      taxonomy: deps.taxonomy,
      missions: config.missions,
      clock,
      gazetteers: () => deps.gazetteers.current(),
    }, req),
  })
  await app.register(reportsRoutes, {
    ingest: services.ingest, reports: services.reports, auditor, batchMax: config.batchMax, count: metrics.report,
    gazetteers: services.gazetteers, missions: config.missions,
  })
  const clients = { polling: 0, streaming: 0 }
  await app.register(alertsRoutes, { services, auditor, clock, maxWaitSeconds: config.pollMaxWaitSeconds, heartbeatMs: config.sseHeartbeatMs, streamMaxBacklog: config.sseMaxBacklog, streamStallMs: config.sseStallMs, pageBytesInFlight: config.feedPagesInFlightBytes, clients, missions: config.missions })
  await app.register(alertFollowUpRoutes, { services, clock, auditor })
  await app.register(partnerRoutes, {
    ingest: services.ingest, reports: services.reports, alerts: services.alerts, queue: services.queue, auditor, clock,
    releases: createAlertReleasesRepo(deps.store.writer), releaseReader: createAlertReleasesRepo(deps.store.reader),
  })
  await app.register(indicatorPerformanceRoutes, { performance: services.performance, rules: () => deps.rules.current(), clock })
  await app.register(ruleDraftsRoutes, {
    preview: (req) => previewRule({
      live: () => deps.rules.current(), deprecatedIds: () => deprecatedIds(deps.rules.dir), reports: services.reports,
      taxonomy: deps.taxonomy, missions: config.missions, clock, gazetteers: () => deps.gazetteers.current(),
    }, req),
    drafts: createRuleDraftsRepo(deps.store.writer), reader: createRuleDraftsRepo(deps.store.reader),
    queue: services.queue, auditor, clock, missions: config.missions,
  })
  await app.register(silencesRoutes, { services, clock, auditor, missions: config.missions })
  await app.register(keysRoutes, { admin: services.keyAdmin, keys: services.keys, queue: services.queue, clock })
  await app.register(auditRoutes, { audit: services.auditReader })
  await app.register(whoamiRoute)
  await app.register(exportsRoutes, { reports: services.reports, alerts: services.alerts, exports: createExportsRepo(deps.store.reader) })
  await app.register(capRoutes, { alerts: services.alerts, taxonomy: deps.taxonomy, rules: () => deps.rules.current(), clock })
  await app.register(missionsRoutes, { missions: config.missions })
  await app.register(backtestRoutes, { dir: config.backtestDir })
  await app.register(boardStatic, {
    dir: deps.boardDir ?? BOARD_DIR,
    tileUrls: () => { const set = deps.gazetteers.current(); return set.missions().flatMap((m) => set.get(m)?.meta.tiles ?? []) },
  })
  metrics.attach({ alerts: services.alerts, rules: () => deps.rules.current(), clients, inputsInMemory: services.inputsInMemory })
  await app.register(metricsRoutes, { metrics })
}

/** Expires due alerts and silences, flags overdue ones and watches for reporting gaps, on a timer while the app runs. */
function expirySweeps(app: FastifyInstance, services: Services, intervalMs: number) {
  let timer: NodeJS.Timeout | null = null
  // A round still running when the timer fires again is not doubled: the next tick starts the next round.
  let running = false
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      if (running) return
      running = true
      services.timerRound()
        .catch((err: unknown) => app.log.error({ err }, 'expiry sweep failed'))
        .finally(() => { running = false })
    }, intervalMs)
    timer.unref()
  })
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer)
    await services.queue.close()
  })
}

/**
 * Builds the vigil HTTP app from its dependencies. It never listens and never touches the
 * process: main.ts does that, and tests drive the app with inject().
 */
/** How long a request may take to arrive; a slow client is cut off after it. */
const REQUEST_TIMEOUT_MS = 30_000

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new RequestLog(),
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    // Prototype-poisoning keys (__proto__, constructor.prototype) are refused, not stripped.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    connectionTimeout: 60_000,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Report ids may be 128 characters; fastify's default of 100 would answer 414 on GET/PUT/DELETE.
    routerOptions: { maxParamLength: 256 },
    pluginTimeout: config.pluginTimeoutMs,
  })
  strictUtf8Json(app)
  app.setValidatorCompiler(zodValidatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(makeErrorHandler(config.bodyLimit))
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ statusCode: 404, code: 'VIGIL_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }))

  const metrics = createMetrics()
  installHttpMetrics(app, metrics)
  const routing = deps.routing ?? new RoutingRegistry(config.routingFile, deps.clock)
  const services = createServices({
    ...deps, routing, missions: config.missions, onEvaluated: metrics.observeEvaluation, onCommit: metrics.observeCommit,
    gazetteers: () => deps.gazetteers.current(),
    // Only FULL syncs every commit; NORMAL leaves syncing to checkpoints either way.
    commitSync: config.synchronous === 'FULL' ? config.commitSync : 'inline',
  })
  app.decorate('vigil', services)
  app.decorate('reloadGazetteers', createGazetteerReloader(deps.gazetteers, deps.logger))
  app.decorate('reloadRules', createRuleReloader(deps.rules, services.queue, deps.logger, deps.clock, services.reindex))
  const auditor = createAuditor({ audit: services.audit, queue: services.queue, clock: deps.clock })
  auditor.install(app)

  // The live indicators' indexes must match their definitions, and be in memory, before the
  // first write is evaluated: queued first, but not awaited by the ready hook, whose timeout a
  // long history would exceed. /readyz says "loading" until it is done.
  const load = windowStateLoad({ services, rules: () => deps.rules.current(), clock: deps.clock, logger: app.log })
  app.decorate('windowState', load)
  app.addHook('onReady', async () => load.start())
  // First, so a write the access check refuses is counted until its answer too.
  // A write may take the request timeout to arrive, and as long again to be stored.
  drainWritesOnClose(app, 2 * REQUEST_TIMEOUT_MS)
  await secure(app, deps, services)
  await routes(app, deps, services, metrics, auditor)
  await installNotifications(app, { config, services, routing, metrics, clock: deps.clock, logger: deps.logger })
  expirySweeps(app, services, config.expiryIntervalMs)
  return app
}
