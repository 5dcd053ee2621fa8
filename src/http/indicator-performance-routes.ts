import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import { indicatorPerformance } from '../alerts/indicator-performance.js'
import type { PerformanceRepo } from '../storage/performance-repo.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { Clock } from '../clock.js'
import { requireMission, scopeOf } from './access.js'

export interface PerformanceRoutesOptions {
  performance: PerformanceRepo
  rules: () => RuleSet
  clock: Clock
}

/** The default review period: a quarter, HQ's usual review cycle. */
export const DEFAULT_REVIEW_DAYS = 90

const params = z.object({ id: z.string().regex(/^[A-Z]{3}-\d{3}[a-z]?$/, 'an indicator id such as HOS-001') })
const query = z.strictObject({
  mission: z.string().max(20).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe(`default: ${DEFAULT_REVIEW_DAYS} days before to`),
  to: z.iso.datetime({ offset: true }).optional().describe('default: now'),
})

/** How an indicator's alerts were handled: the figures HQ reviews it by (issue 18). */
export const indicatorPerformanceRoutes: FastifyPluginAsync<PerformanceRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get('/indicators/:id/performance', {
    schema: {
      summary: 'Alerts raised, time to acknowledge and to first action (median, p90, minutes), share overdue and dispositions, per mission, over a period; and the same by the channel of the reports behind them',
      tags: ['rules'], params, querystring: query,
    },
    config: { permission: 'alerts:read' },
  }, async (req) => {
    const q = req.query
    if (q.mission) requireMission(req, q.mission, 'query.mission')
    const to = q.to ? Date.parse(q.to) : opts.clock()
    const from = q.from ? Date.parse(q.from) : to - DEFAULT_REVIEW_DAYS * 86_400_000
    if (from > to) throw errors.VALIDATION([{ path: 'query.from', message: 'must not be after to' }])
    const scope = scopeOf(req)
    const missions = q.mission ? [q.mission] : scope ?? undefined
    const rows = opts.performance.rows({ indicatorId: req.params.id, from, to, ...(missions ? { missions } : {}) })
    // A retired indicator still has its alerts to review; an id that has neither is a typo.
    if (rows.length === 0 && !opts.rules().byId(req.params.id)) throw errors.RULE_NOT_FOUND(req.params.id)
    // An alert counts under every channel one of its reports came through.
    const channels = [...new Set(rows.flatMap((x) => x.channels ?? []))].sort()
    const byChannel = Object.fromEntries(channels.map((c) => {
      const { byMission: _byMission, ...figures } = indicatorPerformance(rows.filter((x) => x.channels?.includes(c)))
      return [c, figures]
    }))
    return { indicator: req.params.id, mission: q.mission ?? null, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...indicatorPerformance(rows), byChannel }
  })
}
