import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import { orgName, reportInputSchema } from '../reports/report-schema.js'
import { asPartnerReport, partnerView, releasedTo } from '../reports/report-release.js'
import { placeOf, type StoredReport } from '../reports/report.js'
import { areasOfPlace } from '../reports/report-place.js'
import type { AlertState } from '../alerts/alert.js'
import type { Ingest } from '../ingest/ingest.js'
import type { ReportCursor, ReportsRepo } from '../storage/reports-repo.js'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import type { AlertReleasesRepo } from '../storage/alert-releases-repo.js'
import type { WriteQueue } from '../storage/write-queue.js'
import type { Clock } from '../clock.js'
import type { Auditor } from './audit.js'
import { canSeeAt, requireMission, requireReportScope, scopeOf, visibleInputs } from './access.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { reportBodyValidator } from './reports-routes.js'
import { wellFormedText } from '../well-formed-text.js'

export interface PartnerRoutesOptions {
  ingest: Ingest
  reports: ReportsRepo
  alerts: AlertsRepo
  /** Releases are written by the single writer and read on the reader connection. */
  releases: AlertReleasesRepo
  releaseReader: AlertReleasesRepo
  queue: WriteQueue
  auditor: Auditor
  clock: Clock
}

const alertIdParams = z.object({ id: z.coerce.number().int().min(1) })
const reportIdParams = z.object({ id: z.string().min(1).max(128) })
const releaseBody = z.strictObject({
  to: z.array(orgName).min(1).max(20).describe('the partner organisations the alert is released to, e.g. [ocha, unicef]'),
  note: wellFormedText(1000).optional().describe('why, or under which arrangement'),
}).meta({ id: 'AlertRelease' })
const reportsQuery = z.strictObject({
  mission: z.string().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
const alertsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).describe('the last alert id of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
const reportCursor = z.object({ t: z.number(), id: z.string() })

/** A partner's organisation; the route's permission already holds only partner keys to it. */
const orgOf = (req: FastifyRequest) => {
  if (!req.principal.org) throw errors.FORBIDDEN(req.principal.role, 'a partner key')
  return req.principal.org
}

/**
 * What a partner sees of an alert released to it: what, where, how serious, since when, in one
 * sentence; the reports behind it only as far as they are released to it too (the others are
 * counted, not named). No explanation, response, assignee or facts: those are the mission's.
 */
function partnerAlert(a: AlertState, releasedAt: number, inputs: { inputs: string[]; withheldInputs: number }) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  const { admin1, admin1Pcode, admin2, admin2Pcode, route, site } = a.scope
  return {
    id: a.id, mission: a.mission, level: a.level, grade: a.grade, status: a.status, topCategory: a.topCategory, taxonomy: a.taxonomy,
    place: { admin1, admin1Pcode, admin2, admin2Pcode, route, site }, summary: a.summary, count: a.count,
    firstSeen: iso(a.firstSeen), lastSeen: iso(a.lastSeen), raisedAt: iso(a.raisedAt), updatedAt: iso(a.updatedAt), expiresAt: iso(a.expiresAt),
    releasedAt: iso(releasedAt), ...inputs,
  }
}

/**
 * Sharing with partners (humanitarian organisations, host-state liaison). The JOC releases an
 * alert to named organisations; a partner key reads, on these routes only, the alerts released
 * to its organisation and the reports released to it or posted by it, redacted; it may post
 * reports of its own. Every partner read is audited.
 */
export const partnerRoutes: FastifyPluginAsync<PartnerRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { reports, alerts } = opts

  /** A stored report a partner may read: its missions and areas, and released to its organisation. */
  const partnerMay = (req: FastifyRequest, stored: StoredReport | null): stored is StoredReport =>
    stored !== null && canSeeAt(req, stored.report.mission, areasOfPlace(placeOf(stored.report))) && releasedTo(stored.report, orgOf(req))

  /** An alert as a partner may see it, or null when it is not released to its organisation. */
  const released = (req: FastifyRequest, a: AlertState | null) => {
    if (!a || !canSeeAt(req, a.mission, a.scope.areas)) return null
    const release = opts.releaseReader.get(a.id, orgOf(req))
    if (!release) return null
    const inputs = visibleInputs(alerts.inputIds(a.id), (id) => partnerMay(req, reports.get(id)))
    return partnerAlert(a, release.releasedAt, inputs)
  }

  r.post('/alerts/:id/release', {
    schema: { summary: 'Release an alert to partner organisations (they see it, redacted, on /partner/alerts)', tags: ['partners'], params: alertIdParams, body: releaseBody },
    config: { permission: 'alerts:release', audit: 'alert.release' },
  }, async (req) => {
    const a = alerts.get(req.params.id)
    if (!a || !canSeeAt(req, a.mission, a.scope.areas)) throw errors.ALERT_NOT_FOUND(req.params.id)
    const now = opts.clock()
    const all = await opts.queue.run(
      () => opts.releases.release(a.id, [...new Set(req.body.to)], req.principal.name, now, req.body.note ?? null),
      opts.auditor.after(req, String(a.id), a.mission),
    )
    req.log.info({ alertId: a.id, to: req.body.to }, 'alert released to partners')
    return { alertId: a.id, releases: all.map((x) => ({ org: x.org, releasedBy: x.releasedBy, releasedAt: new Date(x.releasedAt).toISOString(), note: x.note })) }
  })

  r.get('/partner/alerts', {
    schema: { summary: 'The alerts released to the partner key\'s organisation, redacted, in id order', tags: ['partners'], querystring: alertsQuery },
    config: { permission: 'partner:read', audit: 'partner.read' },
  }, async (req) => {
    const items: ReturnType<typeof partnerAlert>[] = []
    let after = req.query.after
    // Releases are read in id order; those outside the key's missions or areas are skipped.
    for (;;) {
      const batch = opts.releaseReader.forOrg(orgOf(req), after, req.query.limit)
      for (const rel of batch) {
        after = rel.alertId
        const view = released(req, alerts.get(rel.alertId))
        if (view) items.push(view)
        if (items.length === req.query.limit) break
      }
      if (items.length === req.query.limit || batch.length < req.query.limit) break
    }
    const more = items.length === req.query.limit && opts.releaseReader.forOrg(orgOf(req), after, 1).length > 0
    return { items, next: more ? after : null }
  })

  r.get('/partner/alerts/:id', {
    schema: { summary: 'One alert released to the partner key\'s organisation, redacted', tags: ['partners'], params: alertIdParams },
    config: { permission: 'partner:read', audit: 'partner.read' },
  }, async (req) => {
    const view = released(req, alerts.get(req.params.id))
    if (!view) throw errors.ALERT_NOT_FOUND(req.params.id)
    return view
  })

  r.get('/partner/reports', {
    schema: { summary: 'The reports released to the partner key\'s organisation or posted by it, redacted, in occurredAt order', tags: ['partners'], querystring: reportsQuery },
    config: { permission: 'partner:read', audit: 'partner.read' },
  }, async (req) => {
    const q = req.query
    if (q.mission) requireMission(req, q.mission, 'query.mission')
    const scope = scopeOf(req)
    const filter = {
      ...(q.mission ? { mission: q.mission } : scope ? { mission: scope } : {}),
      ...(req.principal.areas ? { areas: req.principal.areas } : {}),
      ...(q.from ? { from: Date.parse(q.from) } : {}), ...(q.to ? { to: Date.parse(q.to) } : {}),
    }
    let after: ReportCursor | null = q.cursor ? decodeCursor(q.cursor, reportCursor, 'query.cursor') : null
    const items: ReturnType<typeof partnerView>[] = []
    let more = true
    // Released reports are a few among many: pages are read until this one is full.
    while (items.length < q.limit && more) {
      const page = reports.list(filter, after, 500)
      let read = 0
      for (const x of page.items) {
        read++
        after = { t: Date.parse(x.report.occurredAt), id: x.report.id }
        if (partnerMay(req, x)) items.push(partnerView(x.report, x.status))
        if (items.length === q.limit) break
      }
      more = page.next !== null || read < page.items.length
    }
    return { items, nextCursor: more && after ? encodeCursor(after) : null }
  })

  r.get('/partner/reports/:id', {
    schema: { summary: 'One report released to the partner key\'s organisation or posted by it, redacted', tags: ['partners'], params: reportIdParams },
    config: { permission: 'partner:read', audit: 'partner.read' },
  }, async (req) => {
    const stored = reports.get(req.params.id)
    if (!partnerMay(req, stored)) throw errors.REPORT_NOT_FOUND(req.params.id)
    return partnerView(stored.report, stored.status)
  })

  r.post('/partner/reports', {
    schema: { summary: 'Post a report as a partner: marked as the organisation\'s, its source reliability capped at C', tags: ['partners'], body: reportInputSchema },
    validatorCompiler: reportBodyValidator(opts.ingest),
    config: { permission: 'partner:submit', audit: 'report.create' },
  }, async (req, reply) => {
    requireMission(req, req.body.mission)
    const org = orgOf(req)
    const out = await opts.ingest.create(req.body, opts.auditor.after(req, req.body.id, req.body.mission), (report) => {
      requireReportScope(req, report)
      // Marked before it is fingerprinted and stored: the same partner's retry replays, and the
      // mark and the capped grade are part of what was stored.
      Object.assign(report, asPartnerReport(report, org))
    })
    req.log.info({ reportId: req.body.id, org, replayed: out.replayed }, 'partner report accepted')
    if (out.replayed) reply.header('idempotent-replayed', 'true')
    const stored = reports.get(req.body.id)
    const view = stored && partnerMay(req, stored) ? partnerView(stored.report, stored.status) : null
    return reply.code(out.status).header('location', `/partner/reports/${encodeURIComponent(req.body.id)}`).send({ report: view })
  })
}
