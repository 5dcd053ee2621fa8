import { Readable } from 'node:stream'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AlertState } from '../alerts/alert.js'
import { ALERT_STATUSES } from '../alerts/alert.js'
import type { StoredReport } from '../reports/report.js'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import type { ExportsRepo } from '../storage/exports-repo.js'
import type { ReportCursor, ReportFilter, createReportsRepo } from '../storage/reports-repo.js'
import { alertFeature, featureCollection, reportFeature } from '../exports/geojson.js'
import { ALERT_COLUMNS, REPORT_COLUMNS, hxlCsv } from '../exports/hxl-csv.js'
import { filterQuery } from './alerts-routes.js'
import { requireMission, areasOf, scopeOf, canReadReport } from './access.js'

export interface ExportsRoutesOptions {
  reports: ReturnType<typeof createReportsRepo>
  alerts: AlertsRepo
  exports: ExportsRepo
}

/** GET /reports' filters, without the paging: an export holds every match. */
const reportQuery = z.strictObject({
  mission: z.string().optional(),
  category: z.string().regex(/^[A-Z]{3}(\.[A-Z]{2,12})?$/, 'a taxonomy code or top code, e.g. HOS or HOS.IED').optional(),
  admin1: z.string().optional(),
  status: z.enum(['active', 'retracted']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
})

/** GET /alerts' filters over the alerts as they stand; without a status, the active ones. */
const alertQuery = filterQuery.extend({ status: z.enum(ALERT_STATUSES).optional().describe('one status; default: open and acknowledged') }).strict()

const GEOJSON = 'application/geo+json; charset=utf-8'
const CSV = 'text/csv; charset=utf-8; header=present'

function send(reply: FastifyReply, type: string, file: string, chunks: Iterable<string>) {
  reply.type(type).header('content-disposition', `attachment; filename="${file}"`)
  return reply.send(Readable.from(chunks))
}

/** Exports for GIS tools (GeoJSON, RFC 7946) and humanitarian partners (CSV with an HXL row), streamed. */
export const exportsRoutes: FastifyPluginAsync<ExportsRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()

  function* matchingReports(req: FastifyRequest, q: z.infer<typeof reportQuery>): Generator<StoredReport> {
    const scope = scopeOf(req)
    const areas = areasOf(req)
    const filter: ReportFilter = {
      ...(q.mission ? { mission: q.mission } : scope ? { mission: scope } : {}), ...(areas ? { areas } : {}),
      ...(q.category ? { category: q.category } : {}), ...(q.admin1 ? { admin1: q.admin1 } : {}), ...(q.status ? { status: q.status } : {}),
      ...(q.from ? { from: Date.parse(q.from) } : {}), ...(q.to ? { to: Date.parse(q.to) } : {}),
    }
    let after: ReportCursor | null = null
    do {
      const page = opts.reports.list(filter, after, 500)
      // Restricted reports go only to keys that may read them.
      for (const x of page.items) if (canReadReport(req, x.report)) yield x
      after = page.next
    } while (after)
  }

  function* matchingAlerts(req: FastifyRequest, q: z.infer<typeof alertQuery>): Generator<AlertState> {
    const scope = scopeOf(req)
    const areas = areasOf(req)
    const ids = opts.exports.alertIds({
      ...(scope ? { missions: scope } : {}), ...(areas ? { areas } : {}), ...(q.mission ? { mission: q.mission } : {}), ...(q.level ? { level: q.level } : {}),
      ...(q.minGrade ? { minGrade: q.minGrade } : {}), ...(q.status ? { status: q.status } : {}), ...(q.taxonomy ? { taxonomy: q.taxonomy } : {}),
      ...(q.admin1 ? { admin1: q.admin1 } : {}), ...(q.indicator ? { indicator: q.indicator } : {}), silenced: q.silenced, inhibited: q.inhibited,
    })
    for (const id of ids) {
      const a = opts.alerts.get(id)
      if (a) yield a
    }
  }

  const reportsSchema = (format: string) => ({ summary: `Reports as ${format}, with GET /reports' filters, streamed`, tags: ['exports'], querystring: reportQuery })
  const alertsSchema = (format: string) => ({ summary: `Alerts as ${format} (default: the active ones), with GET /alerts' filters, streamed`, tags: ['exports'], querystring: alertQuery })

  r.get('/reports.geojson', { schema: reportsSchema('a GeoJSON FeatureCollection'), config: { permission: 'reports:read' } }, async (req, reply) => {
    if (req.query.mission) requireMission(req, req.query.mission, 'query.mission')
    return send(reply, GEOJSON, 'reports.geojson', featureCollection(matchingReports(req, req.query), reportFeature))
  })
  r.get('/reports.csv', { schema: reportsSchema('CSV with an HXL hashtag row'), config: { permission: 'reports:read' } }, async (req, reply) => {
    if (req.query.mission) requireMission(req, req.query.mission, 'query.mission')
    return send(reply, CSV, 'reports.csv', hxlCsv(REPORT_COLUMNS, matchingReports(req, req.query)))
  })
  r.get('/alerts.geojson', { schema: alertsSchema('a GeoJSON FeatureCollection'), config: { permission: 'alerts:read' } }, async (req, reply) => {
    if (req.query.mission) requireMission(req, req.query.mission, 'query.mission')
    return send(reply, GEOJSON, 'alerts.geojson', featureCollection(matchingAlerts(req, req.query), alertFeature))
  })
  r.get('/alerts.csv', { schema: alertsSchema('CSV with an HXL hashtag row'), config: { permission: 'alerts:read' } }, async (req, reply) => {
    if (req.query.mission) requireMission(req, req.query.mission, 'query.mission')
    return send(reply, CSV, 'alerts.csv', hxlCsv(ALERT_COLUMNS, matchingAlerts(req, req.query)))
  })
}
