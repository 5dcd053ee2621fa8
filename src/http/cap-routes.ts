import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { RuleSet } from '../rules/rule-set.js'
import { renderCapAlert, type CapChange, type CapContext } from '../cap/cap-message.js'
import { renderCapFeed } from '../cap/cap-feed.js'
import { XML_DECLARATION } from '../cap/xml.js'
import { canSeeAt, scopeOf } from './access.js'
import type { Clock } from '../clock.js'

export interface CapRoutesOptions {
  alerts: AlertsRepo
  taxonomy: Taxonomy
  rules: () => RuleSet
  clock: Clock
}

const CAP_TYPE = 'application/cap+xml; charset=utf-8'

/** CAP 1.2 for the alerts a caller may see: one message per alert change, and an Atom feed of current alerts. */
export const capRoutes: FastifyPluginAsync<CapRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()

  /** An alert's changes as CAP sees them, oldest first. */
  const changesOf = (alertId: number): CapChange[] =>
    opts.alerts.history(alertId).map((c) => ({ seq: c.seq, kind: c.kind, at: c.at, alert: c.alert }))

  const contextFor = (all: CapChange[], i: number): CapContext => ({
    taxonomy: opts.taxonomy, title: opts.rules().byId(all[i]!.alert.indicatorId)?.rule.title, earlier: all.slice(0, i),
  })

  r.get('/cap/alerts/:id.xml', {
    schema: {
      summary: 'One alert change as a CAP 1.2 message (the latest, or ?change=<seq>): raised is an Alert, an ending a Cancel, any other change an Update',
      tags: ['cap'],
      params: z.object({ id: z.coerce.number().int().min(1) }),
      querystring: z.strictObject({ change: z.coerce.number().int().min(1).optional().describe('the sequence number of one change of the alert') }),
    },
    config: { permission: 'alerts:read' },
  }, async (req, reply) => {
    const alert = opts.alerts.get(req.params.id)
    // Another mission's alert is answered as if it did not exist.
    if (!alert || !canSeeAt(req, alert.mission, alert.scope.areas)) throw errors.ALERT_NOT_FOUND(req.params.id)
    const all = changesOf(alert.id)
    const i = req.query.change === undefined ? all.length - 1 : all.findIndex((c) => c.seq === req.query.change)
    if (i < 0) throw errors.ALERT_NOT_FOUND(req.params.id)
    reply.type(CAP_TYPE)
    return `${XML_DECLARATION}\n${renderCapAlert(all[i]!, contextFor(all, i))}\n`
  })

  r.get('/cap/alerts.atom', {
    schema: { summary: 'Atom feed of the current alerts, each as a CAP 1.2 message (silenced and inhibited ones left out)', tags: ['cap'] },
    config: { permission: 'alerts:read' },
  }, async (req, reply) => {
    const current = opts.alerts.active()
      .filter((a) => !a.silenced && !a.inhibited && canSeeAt(req, a.mission, a.scope.areas))
      .sort((x, y) => y.rank - x.rank || y.seq - x.seq)
    const entries = current.map((a) => {
      const all = changesOf(a.id)
      return { change: all[all.length - 1]!, ctx: contextFor(all, all.length - 1) }
    })
    const updated = entries.reduce((t, e) => Math.max(t, e.change.at), 0) || opts.clock()
    const base = `${req.protocol}://${req.host}`
    reply.type('application/atom+xml; charset=utf-8')
    return renderCapFeed(entries, { self: `${base}/cap/alerts.atom`, updated, base })
  })
}
