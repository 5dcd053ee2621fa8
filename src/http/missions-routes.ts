import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { scopeOf } from './access.js'

export interface MissionsRoutesOptions {
  missions: readonly string[]
  tileUrl: string | null
}

const missionsAnswer = z.object({
  missions: z.array(z.string()).describe('the configured missions this key may see'),
  tileUrl: z.string().nullable().describe('the map tile server template ({z}/{x}/{y}), or null: draw the gazetteer alone'),
})

/** The missions this service runs for, as far as the caller may see them, and the map settings. */
export const missionsRoutes: FastifyPluginAsync<MissionsRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get('/missions', {
    schema: { summary: 'The missions the caller may see, and the map tile server', tags: ['missions'], response: { 200: missionsAnswer } },
    // Reference data like the taxonomy: every role may read it.
    config: { permission: 'taxonomy:read' },
  }, async (req) => {
    const scope = scopeOf(req)
    return { missions: opts.missions.filter((m) => scope === null || scope.includes(m)), tileUrl: opts.tileUrl }
  })
}
