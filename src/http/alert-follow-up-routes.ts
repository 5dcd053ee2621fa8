import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { wellFormedText } from '../well-formed-text.js'
import { errors } from '../errors.js'
import { presentAlert } from '../alerts/present-alert.js'
import { ACTION_OUTCOMES, OUTCOMES_NEEDING_REASON, presentAction } from '../alerts/alert-action.js'
import type { Services } from '../services.js'
import type { Clock } from '../clock.js'
import { canSeeAt } from './access.js'
import type { Auditor } from './audit.js'

export interface FollowUpRoutesOptions {
  services: Services
  auditor: Auditor
  clock: Clock
}

const idParams = z.object({ id: z.coerce.number().int().min(1) })

const assignBody = z.strictObject({
  to: wellFormedText(200).describe('the person or unit who owns the follow-up, e.g. "Sector East JOC" or "Maj. Diallo, U3"'),
  note: wellFormedText(2000, 0).optional(),
  by: wellFormedText(200).optional().describe('the person assigning, when a desk key is shared'),
}).meta({ id: 'AlertAssignment' })

/** Actions started more than this after the clock are refused: a typo in a date, not a plan. */
const FUTURE_SLACK_MS = 5 * 60_000

const actionBody = z.strictObject({
  action: wellFormedText(500).describe('what was done, e.g. "Froze movement on MSR-1 between Gao and Ansongo"'),
  unit: wellFormedText(200).describe('who did it: a unit or a person'),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }).optional().describe('left out while it goes on'),
  outcome: z.enum(ACTION_OUTCOMES),
  reason: wellFormedText(2000).optional().describe('required when the outcome is declined or not-possible'),
  by: wellFormedText(200).optional().describe('the person recording, when a desk key is shared'),
}).superRefine((b, ctx) => {
  if (OUTCOMES_NEEDING_REASON.includes(b.outcome) && !b.reason) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: `an action that is ${b.outcome} needs the reason, so the failure to act is on record` })
  }
  if (b.endedAt && Date.parse(b.endedAt) < Date.parse(b.startedAt)) {
    ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'must not be before startedAt' })
  }
}).meta({ id: 'AlertAction' })

/** The key says who acts; `by` only names a person behind a shared desk key (or with auth off). */
function actorOf(req: FastifyRequest, by: string | undefined): string {
  if (req.principal.keyId) return by ? `${req.principal.name} (${by})` : req.principal.name
  return by ?? req.principal.name
}

/** Ownership and the action log of an alert (issue 18): assign, record an action, list the actions. */
export const alertFollowUpRoutes: FastifyPluginAsync<FollowUpRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { services, clock } = opts

  const visible = (req: FastifyRequest, id: number) => {
    const a = services.alerts.get(id)
    if (!a || !canSeeAt(req, a.mission, a.scope.areas)) throw errors.ALERT_NOT_FOUND(id)
    return a
  }

  r.post('/alerts/:id/assign', {
    schema: { summary: 'Assign (or reassign) an alert to a person or unit', tags: ['alerts'], params: idParams, body: assignBody },
    config: { permission: 'alerts:act', audit: 'alert.assign' },
  }, async (req) => {
    const { id } = req.params
    const current = visible(req, id)
    const by = actorOf(req, req.body.by)
    const out = await services.queue.run(() => services.followUp.assign(id, req.body.to, req.body.note || null, by, clock()),
      opts.auditor.after(req, String(id), current.mission))
    req.log.info({ alertId: id, to: req.body.to, by, changed: out.changed }, 'alert assigned')
    return { alert: presentAlert(out.alert), changed: out.changed }
  })

  r.post('/alerts/:id/actions', {
    schema: { summary: 'Record an action taken on an alert (done, partly, not-possible or declined, with a reason)', tags: ['alerts'], params: idParams, body: actionBody },
    config: { permission: 'alerts:act', audit: 'alert.action' },
  }, async (req, reply) => {
    const { id } = req.params
    const current = visible(req, id)
    const now = clock()
    const b = req.body
    const startedAt = Date.parse(b.startedAt)
    if (startedAt > now + FUTURE_SLACK_MS) throw errors.VALIDATION([{ path: 'startedAt', message: 'must not lie in the future' }])
    const by = actorOf(req, b.by)
    const input = { action: b.action, unit: b.unit, startedAt, endedAt: b.endedAt ? Date.parse(b.endedAt) : null, outcome: b.outcome, reason: b.reason ?? null }
    const out = await services.queue.run(() => services.followUp.recordAction(id, input, by, now), opts.auditor.after(req, String(id), current.mission))
    req.log.info({ alertId: id, outcome: b.outcome, by }, 'alert action recorded')
    return reply.code(201).send({ action: presentAction(out.action), alert: presentAlert(out.alert) })
  })

  r.get('/alerts/:id/actions', {
    schema: { summary: 'The action log of an alert, by start time', tags: ['alerts'], params: idParams },
    config: { permission: 'alerts:read' },
  }, async (req) => {
    const a = visible(req, req.params.id)
    return { alertId: a.id, actions: services.alertActions.list(a.id).map(presentAction) }
  })
}
