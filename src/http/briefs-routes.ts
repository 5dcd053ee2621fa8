import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import type { BriefsRepo } from '../storage/briefs-repo.js'
import { requireMission } from './access.js'

const params = z.object({ mission: z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'a mission code such as MINUSMA, or HQ') })
const query = z.strictObject({ every: z.enum(['day', 'week']).optional().describe('the daily or the weekly brief; default: the latest of either') })

/** The latest scheduled brief of a mission (HQ: every mission, for keys that cover all). */
export const briefsRoutes: FastifyPluginAsync<{ briefs: BriefsRepo }> = async (app, { briefs }) => {
  app.withTypeProvider<ZodTypeProvider>().get('/briefs/:mission/latest', {
    schema: { summary: 'The latest daily or weekly brief of a mission (JSON, or Markdown with Accept: text/markdown)', tags: ['notifications'], params, querystring: query },
    config: { permission: 'alerts:read' },
  }, async (req, reply) => {
    const { mission } = req.params
    if (mission === 'HQ') {
      if (req.principal.missions !== null) throw errors.OUT_OF_SCOPE('HQ', 'params.mission')
    } else requireMission(req, mission, 'params.mission')
    // A mission's brief covers all its areas: not for a key limited to some of them.
    if (req.principal.areas !== null) throw errors.OUT_OF_AREA(`the brief of all of ${mission}`, 'params.mission')
    const brief = briefs.latest(mission, req.query.every)
    if (!brief) throw errors.NOT_FOUND(`a brief of ${mission}`)
    if (req.headers.accept?.includes('text/markdown')) return reply.type('text/markdown; charset=utf-8').send(brief.markdown)
    const iso = (t: number) => new Date(t).toISOString()
    return { mission: brief.mission, every: brief.every, dueAt: iso(brief.dueAt), from: iso(brief.from), to: iso(brief.to), producedAt: iso(brief.producedAt), markdown: brief.markdown, data: brief.data }
  })
}
