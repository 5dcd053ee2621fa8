import type { FastifyPluginAsync } from 'fastify'

export interface HealthRoutesOptions {
  /** Each check returns null when fine, or why not. */
  readiness: Record<string, () => string | null>
}

/** Liveness and readiness for orchestrators and the Docker HEALTHCHECK. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { readiness }) => {
  app.get('/healthz', { schema: { summary: 'The process is alive', tags: ['operations'] }, config: { permission: 'public' } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { summary: 'Database open and migrated, rules loaded', tags: ['operations'] }, config: { permission: 'public' } }, async (_req, reply) => {
    const checks: Record<string, string> = {}
    let ready = true
    for (const [name, check] of Object.entries(readiness)) {
      let problem: string | null
      try {
        problem = check()
      } catch (err) {
        problem = (err as Error).message
      }
      checks[name] = problem ?? 'ok'
      if (problem) ready = false
    }
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })
}
