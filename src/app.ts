import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler } from 'fastify-type-provider-zod'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import type { Clock } from './clock.js'
import type { Store } from './storage/store.js'
import type { Taxonomy } from './taxonomy/taxonomy.js'
import type { RuleRegistry } from './rules/rule-registry.js'
import { createServices, type Services } from './services.js'
import { zodValidatorCompiler } from './http/zod-validation.js'
import { makeErrorHandler } from './http/error-handler.js'
import { reportsRoutes } from './http/reports-routes.js'
import { alertsRoutes } from './http/alerts-routes.js'
import { taxonomyRoutes } from './http/taxonomy-routes.js'
import { healthRoutes } from './http/health-routes.js'

export interface AppDeps {
  config: Config
  store: Store
  taxonomy: Taxonomy
  rules: RuleRegistry
  clock: Clock
  logger: Logger
}


declare module 'fastify' {
  interface FastifyInstance {
    vigil: Services
  }
}

/**
 * Builds the vigil HTTP app from its dependencies. It never listens and never touches the
 * process: main.ts does that, and tests drive the app with inject().
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    // Prototype-poisoning keys (__proto__, constructor.prototype) are refused, not stripped.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    connectionTimeout: 60_000,
    requestTimeout: 30_000,
  })
  app.setValidatorCompiler(zodValidatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(makeErrorHandler(config.bodyLimit))
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ statusCode: 404, code: 'VIGIL_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }))

  const services = createServices({ ...deps, missions: config.missions })
  app.decorate('vigil', services)

  await app.register(swagger, {
    openapi: {
      info: { title: 'vigil', version: '0.1.0', description: 'Early-warning indicator engine for UN peacekeeping missions' },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(healthRoutes, {
    readiness: {
      database: () => (deps.store.migrated() ? null : 'database not open or not migrated'),
      rules: () => (deps.rules.current().indicators.length > 0 ? null : 'no rules loaded'),
    },
  })
  await app.register(taxonomyRoutes, { taxonomy: deps.taxonomy })
  await app.register(reportsRoutes, { ingest: services.ingest, reports: services.reports, batchMax: config.batchMax })
  await app.register(alertsRoutes, { alerts: services.alerts })

  let timer: NodeJS.Timeout | null = null
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      services.sweep().catch((err: unknown) => app.log.error({ err }, 'expiry sweep failed'))
    }, config.expiryIntervalMs)
    timer.unref()
  })
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer)
    await services.queue.close()
  })
  return app
}
