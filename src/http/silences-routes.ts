import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { wellFormedText } from '../well-formed-text.js'
import { LEVELS } from '../alerts/levels.js'
import { isSilenceActive, type Silence } from '../alerts/silence.js'
import type { Services } from '../services.js'
import type { Clock } from '../clock.js'
import { errors } from '../errors.js'
import { areasOf, canSee, requireMission, scopeOf } from './access.js'
import { resolveAreaName } from './area-filter.js'
import type { Auditor } from './audit.js'

export interface SilencesRoutesOptions {
  services: Services
  clock: Clock
  auditor: Auditor
  /** The missions vigil accepts: where area names are looked up. */
  missions: readonly string[]
}

const matchers = z.strictObject({
  indicator: z.string().regex(/^[A-Z]{3}-\d{3}[a-z]?$/).optional(),
  mission: z.string().max(20).optional(),
  admin1: z.string().max(100).optional().describe('alerts with an input in this admin1 area (name or P-code), whatever their scope'),
  admin2: z.string().max(100).optional().describe('alerts with an input in this admin2 area (name or P-code)'),
  taxonomy: z.string().regex(/^[A-Z]{3}(\.[A-Z]{2,12})?$/, 'a taxonomy code or top code').optional(),
  level: z.enum(LEVELS).optional(),
}).refine((m) => Object.keys(m).length > 0, { message: 'a silence needs at least one matcher' })

const createBody = z.strictObject({
  matchers,
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).describe('required: a silence always ends (at most 90 days)'),
  reason: wellFormedText(1000, 3),
  author: wellFormedText(200).optional().describe('default: the key holder'),
}).meta({ id: 'SilenceInput' })

const idParams = z.object({ id: z.coerce.number().int().min(1) })
const endBody = z.strictObject({ by: z.string().trim().min(1).max(200).optional() }).nullish()

function present(s: Silence, now: number) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  return {
    id: s.id, matchers: s.matchers, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), reason: s.reason, author: s.author,
    createdAt: iso(s.createdAt), endedAt: iso(s.endedAt), endedBy: s.endedBy, active: isSilenceActive(s, now),
  }
}

/** Silences: matching alerts are still raised and stored, flagged, and left out of the default poll. */
export const silencesRoutes: FastifyPluginAsync<SilencesRoutesOptions> = async (app, { services, clock, auditor, missions }) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  /** A silence whose mission the caller may not see answers 404; one for all missions, only to all-mission keys. */
  const visible = (req: Parameters<typeof canSee>[0], s: Silence) =>
    (s.matchers.mission ? canSee(req, s.matchers.mission) : scopeOf(req) === null)

  r.post('/silences', {
    schema: { summary: 'Create a silence', tags: ['silences'], body: createBody },
    config: { permission: 'silences:manage', audit: 'silence.create' },
  }, async (req, reply) => {
    const b = req.body
    // A key limited to some missions can only silence within them, so it must name one.
    if (scopeOf(req) !== null) {
      if (!b.matchers.mission) throw errors.VALIDATION([{ path: 'matchers.mission', message: "required: this key's silences are limited to its missions" }])
      requireMission(req, b.matchers.mission, 'matchers.mission')
    }
    // Area names as alerts hold them (P-codes where a gazetteer knows the name, however spelt).
    const m = { ...b.matchers }
    const where = { mission: m.mission, missions }
    if (m.admin1 !== undefined) m.admin1 = resolveAreaName(req, services.gazetteers(), where, m.admin1, 1, 'matchers.admin1')
    if (m.admin2 !== undefined) m.admin2 = resolveAreaName(req, services.gazetteers(), where, m.admin2, 2, 'matchers.admin2')
    // A sector desk silences only within its own areas.
    const own = areasOf(req)
    if (own && !own.some((a) => a === m.admin1 || a === m.admin2)) {
      throw errors.VALIDATION([{ path: 'matchers.admin1', message: `required: this key's silences are limited to its areas (${own.join(', ')})` }])
    }
    const out = await services.queue.run(() => services.lifecycle.createSilence({
      matchers: m, endsAt: Date.parse(b.endsAt), ...(b.startsAt ? { startsAt: Date.parse(b.startsAt) } : {}), reason: b.reason, author: b.author ?? req.principal.name,
    }, clock()), auditor.after(req, null, b.matchers.mission ?? null))
    req.log.info({ silenceId: out.silence.id, author: out.silence.author, silenced: out.changes.length }, 'silence created')
    return reply.code(201).send({
      silence: present(out.silence, clock()), alertsSilenced: out.changes.length,
      ...(out.changes.length === 0 ? { note: 'no active alert matches it now; alerts that match while it runs are silenced' } : {}),
    })
  })

  r.get('/silences', {
    schema: { summary: 'Silences: the active ones, or all with ?all=true', tags: ['silences'], querystring: z.strictObject({ all: z.enum(['true', 'false']).default('false') }) },
    config: { permission: 'silences:read' },
  }, async (req) => {
    const now = clock()
    const list = services.silences.list().filter((s) => visible(req, s) && (req.query.all === 'true' || isSilenceActive(s, now)))
    return { silences: list.map((s) => present(s, now)) }
  })

  r.delete('/silences/:id', {
    schema: { summary: 'End a silence now', tags: ['silences'], params: idParams, body: endBody },
    config: { permission: 'silences:manage', audit: 'silence.delete' },
  }, async (req) => {
    const existing = services.silences.get(req.params.id)
    if (!existing || !visible(req, existing)) throw errors.SILENCE_NOT_FOUND(req.params.id)
    const by = req.principal.keyId ? req.principal.name : (req.body?.by ?? req.principal.name)
    const out = await services.queue.run(() => services.lifecycle.endSilence(req.params.id, by, clock()),
      auditor.after(req, String(req.params.id), existing.matchers.mission ?? null))
    req.log.info({ silenceId: req.params.id, by }, 'silence ended')
    return { silence: present(out.silence, clock()), alertsUnsilenced: out.changes.length }
  })
}
