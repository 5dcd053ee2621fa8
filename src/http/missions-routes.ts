import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { scopeOf } from './access.js'

export interface MissionsRoutesOptions {
  missions: readonly string[]
}

const missionsAnswer = z.object({
  missions: z.array(z.string()).describe('the configured missions this key may see'),
})

/** The missions this service runs for, as far as the caller may see them. */
export const missionsRoutes: FastifyPluginAsync<MissionsRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get('/missions', {
    schema: { summary: 'The missions this service runs for that the caller may see', tags: ['missions'], response: { 200: missionsAnswer } },
    // Reference data like the taxonomy: every role may read it.
    config: { permission: 'taxonomy:read' },
  }, async (req) => {
    const scope = scopeOf(req)
    return { missions: opts.missions.filter((m) => scope === null || scope.includes(m)) }
  })
}
