import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import type { GazetteerRegistry } from '../gazetteer/gazetteer-registry.js'
import type { ReloadGazetteers } from '../gazetteer/gazetteer-reloader.js'

export interface GazetteerRoutesOptions {
  registry: Pick<GazetteerRegistry, 'current' | 'status'>
  reload: ReloadGazetteers
}

const missionParams = z.object({ mission: z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'a mission code such as MINUSCA') })

/** The missions' gazetteers: areas, UN sites and routes, for maps and clients; reloading them. */
export const gazetteerRoutes: FastifyPluginAsync<GazetteerRoutesOptions> = async (app, { registry, reload }) => {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.get('/gazetteer', {
    schema: { summary: 'The missions that have a gazetteer, with their versions', tags: ['gazetteer'] },
    config: { permission: 'taxonomy:read' },
  }, async () => {
    const set = registry.current()
    return {
      version: set.version,
      missions: set.missions().map((m) => {
        const g = set.get(m)!
        const levels = (l: 1 | 2) => g.areas.filter((a) => a.level === l).length
        return { mission: m, version: g.version, admin1: levels(1), admin2: levels(2), sites: g.sites.length, routes: g.routes.length, ...(g.meta.tiles ? { tiles: g.meta.tiles } : {}) }
      }),
    }
  })

  r.get('/gazetteer/status', {
    schema: { summary: 'The live gazetteer version, its missions, the last reload attempt and the last refused one', tags: ['gazetteer'] },
    config: { permission: 'rules:manage' },
  }, async () => registry.status())

  r.get('/gazetteer/:mission', {
    schema: {
      summary: "A mission's gazetteer as one GeoJSON FeatureCollection (areas, UN sites, routes; properties.featureType says which)",
      tags: ['gazetteer'],
      params: missionParams,
    },
    config: { permission: 'taxonomy:read' },
  }, async (req, reply) => {
    const set = registry.current()
    const g = set.get(req.params.mission)
    if (!g) throw errors.GAZETTEER_NOT_FOUND(req.params.mission, set.missions())
    reply.header('content-type', 'application/geo+json; charset=utf-8')
    reply.header('etag', `"${g.version}"`)
    return g.geojson()
  })

  r.post('/gazetteer/reload', {
    schema: { summary: 'Check the gazetteer files and swap them in when clean (422 and the old set stays live when not)', tags: ['gazetteer'] },
    config: { permission: 'rules:manage', audit: 'gazetteer.reload' },
  }, async () => {
    const attempt = reload('http')
    if (!attempt.ok) {
      const problems = attempt.problems.map((p) => ({ path: p.path, message: p.message, detail: { file: p.file, line: p.line, column: p.column } }))
      throw errors.GAZETTEER_RELOAD_REFUSED(problems, attempt, registry.current().version)
    }
    return { attempt, status: registry.status() }
  })
}
