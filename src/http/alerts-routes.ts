import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import { presentAlert, presentChange } from '../alerts/present-alert.js'

export interface AlertsRoutesOptions {
  alerts: AlertsRepo
}

const idParams = z.object({ id: z.coerce.number().int().min(1) })
const pollQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** Alerts for the JOC: the change feed, one alert, its history. */
export const alertsRoutes: FastifyPluginAsync<AlertsRoutesOptions> = async (app, { alerts }) => {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.get('/alerts', {
    schema: { summary: 'Alert changes after a cursor, in change order', tags: ['alerts'], querystring: pollQuery },
  }, async (req) => {
    const changes = alerts.changesAfter(req.query.after, req.query.limit)
    const last = changes[changes.length - 1]
    return { changes: changes.map(presentChange), nextCursor: last ? last.seq : req.query.after }
  })

  r.get('/alerts/:id', {
    schema: { summary: 'The current state of an alert, with its contributing inputs', tags: ['alerts'], params: idParams },
  }, async (req) => {
    const a = alerts.get(req.params.id)
    if (!a) throw errors.NOT_FOUND(`alert ${req.params.id}`)
    return presentAlert(a, alerts.inputIds(a.id))
  })

  r.get('/alerts/:id/history', {
    schema: { summary: 'Every change of an alert: time, cause, actor, inputs', tags: ['alerts'], params: idParams },
  }, async (req) => {
    const a = alerts.get(req.params.id)
    if (!a) throw errors.NOT_FOUND(`alert ${req.params.id}`)
    return { alert: presentAlert(a), changes: alerts.history(a.id).map(presentChange) }
  })
}
