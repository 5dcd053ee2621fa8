import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { LEVELS } from '../alerts/levels.js'
import { isSilenceActive, type Silence } from '../alerts/silence.js'
import type { Services } from '../services.js'
import type { Clock } from '../clock.js'

export interface SilencesRoutesOptions {
  services: Services
  clock: Clock
}

const matchers = z.strictObject({
  indicator: z.string().regex(/^[A-Z]{3}-\d{3}[a-z]?$/).optional(),
  mission: z.string().max(20).optional(),
  admin1: z.string().max(100).optional(),
  taxonomy: z.string().regex(/^[A-Z]{3}(\.[A-Z]{2,12})?$/, 'a taxonomy code or top code').optional(),
  level: z.enum(LEVELS).optional(),
}).refine((m) => Object.keys(m).length > 0, { message: 'a silence needs at least one matcher' })

const createBody = z.strictObject({
  matchers,
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).describe('required: a silence always ends (at most 90 days)'),
  reason: z.string().trim().min(3).max(1000),
  author: z.string().trim().min(1).max(200),
}).meta({ id: 'SilenceInput' })

const idParams = z.object({ id: z.coerce.number().int().min(1) })
const endBody = z.strictObject({ by: z.string().trim().min(1).max(200) })

function present(s: Silence, now: number) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  return {
    id: s.id, matchers: s.matchers, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), reason: s.reason, author: s.author,
    createdAt: iso(s.createdAt), endedAt: iso(s.endedAt), endedBy: s.endedBy, active: isSilenceActive(s, now),
  }
}

/** Silences: matching alerts are still raised and stored, flagged, and left out of the default poll. */
export const silencesRoutes: FastifyPluginAsync<SilencesRoutesOptions> = async (app, { services, clock }) => {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.post('/silences', { schema: { summary: 'Create a silence', tags: ['silences'], body: createBody } }, async (req, reply) => {
    const b = req.body
    const out = await services.queue.run(() => services.lifecycle.createSilence({
      matchers: b.matchers, endsAt: Date.parse(b.endsAt), ...(b.startsAt ? { startsAt: Date.parse(b.startsAt) } : {}), reason: b.reason, author: b.author,
    }, clock()))
    req.log.info({ silenceId: out.silence.id, author: b.author, silenced: out.changes.length }, 'silence created')
    return reply.code(201).send({ silence: present(out.silence, clock()), alertsSilenced: out.changes.length })
  })

  r.get('/silences', {
    schema: { summary: 'Silences: the active ones, or all with ?all=true', tags: ['silences'], querystring: z.strictObject({ all: z.enum(['true', 'false']).default('false') }) },
  }, async (req) => {
    const now = clock()
    const list = services.silences.list().filter((s) => req.query.all === 'true' || isSilenceActive(s, now))
    return { silences: list.map((s) => present(s, now)) }
  })

  r.delete('/silences/:id', {
    schema: { summary: 'End a silence now', tags: ['silences'], params: idParams, body: endBody },
  }, async (req) => {
    const out = await services.queue.run(() => services.lifecycle.endSilence(req.params.id, req.body.by, clock()))
    req.log.info({ silenceId: req.params.id, by: req.body.by }, 'silence ended')
    return { silence: present(out.silence, clock()), alertsUnsilenced: out.changes.length }
  })
}
