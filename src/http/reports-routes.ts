import type { FastifyPluginAsync } from 'fastify'
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z, type ZodType } from 'zod'
import { errors } from '../errors.js'
import { reportInputSchema, retractInputSchema } from '../reports/report-schema.js'
import { presentReport } from '../ingest/present-report.js'
import type { Ingest } from '../ingest/ingest.js'
import type { ReportsRepo } from '../storage/reports-repo.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { parseNdjson } from '../ingest/ndjson.js'
import { areasOf, canReadReport, canSee, requireMission, requireReportScope, scopeOf } from './access.js'
import { placeOf } from '../reports/report.js'
import { areasOfPlace } from '../reports/report-place.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'
import { resolveAreaName } from './area-filter.js'
import type { Auditor } from './audit.js'
import { zodValidatorCompiler } from './zod-validation.js'

export interface ReportsRoutesOptions {
  ingest: Ingest
  reports: ReportsRepo
  auditor: Auditor
  batchMax: number
  /** The live gazetteers and the missions vigil accepts: area filters are resolved with them. */
  gazetteers: () => GazetteerSet
  missions: readonly string[]
  /** Counts report outcomes (metrics). */
  count?: (outcome: 'accepted' | 'replayed' | 'rejected', reason?: string, n?: number) => void
}

const idParams = z.object({ id: z.string().min(1).max(128) })

const listQuery = z.strictObject({
  mission: z.string().optional(),
  category: z.string().regex(/^[A-Z]{3}(\.[A-Z]{2,12})?$/, 'a taxonomy code or top code, e.g. HOS or HOS.IED').optional(),
  admin1: z.string().max(100).optional().describe('reports in this admin1 area: name (any spelling the gazetteer knows) or P-code'),
  admin2: z.string().max(100).optional().describe('reports in this admin2 area: name or P-code'),
  status: z.enum(['active', 'retracted']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

const reportCursor = z.object({ t: z.number(), id: z.string() })

/**
 * A report body is checked by the ingest itself: schema and classification in one pass, so a
 * bad date does not hide an unknown category. Other parts keep the plain zod check.
 */
export function reportBodyValidator(ingest: Ingest) {
  return <S>(route: FastifyRouteSchemaDef<S>) => {
    if (route.httpPart !== 'body') return zodValidatorCompiler(route as unknown as FastifyRouteSchemaDef<ZodType>)
    return (data: unknown) => {
      try {
        return { value: ingest.validate(data) }
      } catch (err) {
        return { error: err as Error }
      }
    }
  }
}

/** The intake API: post, batch, revise, retract and read incident reports. */
export const reportsRoutes: FastifyPluginAsync<ReportsRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { ingest, reports, auditor } = opts
  /** A report the caller may not see answers 404, as if it did not exist. */
  const visible = (req: Parameters<typeof canSee>[0], id: string) => {
    const stored = reports.get(id)
    if (!stored || !canReadReport(req, stored.report)) throw errors.REPORT_NOT_FOUND(id)
    return stored
  }
  const count = opts.count ?? (() => {})
  const reportValidator = reportBodyValidator(ingest)

  // Every refused write counts as rejected, by its error code (validation, conflict, ...).
  app.addHook('onError', async (req, _reply, err) => {
    if (req.method !== 'GET') count('rejected', (err as { code?: string }).code ?? 'unknown')
  })

  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseNdjson(body as string))
  })

  r.post('/reports', {
    schema: { summary: 'Post one incident report', tags: ['reports'], body: reportInputSchema },
    validatorCompiler: reportValidator,
    config: { permission: 'reports:write', audit: 'report.create' },
  }, async (req, reply) => {
    requireMission(req, req.body.mission)
    const out = await ingest.create(req.body, auditor.after(req, req.body.id, req.body.mission), (report) => requireReportScope(req, report))
    req.log.info({ reportId: req.body.id, replayed: out.replayed, alerts: out.result.alerts.length }, out.replayed ? 'report replayed' : 'report accepted')
    if (out.replayed) reply.header('idempotent-replayed', 'true')
    count(out.replayed ? 'replayed' : 'accepted')
    return reply.code(out.status).header('location', `/reports/${encodeURIComponent(req.body.id)}`).send(out.result)
  })

  r.post('/reports/batch', {
    schema: {
      summary: 'Post many incident reports (JSON array or NDJSON); per-item results',
      tags: ['reports'],
      body: z.array(z.unknown()).describe('incident reports; each validated on its own'),
    },
    config: { permission: 'reports:write', audit: 'report.batch' },
  }, async (req, reply) => {
    const items = req.body
    if (items.length > opts.batchMax) throw errors.BATCH_TOO_LARGE(items.length, opts.batchMax)
    const results = await ingest.batch(items, {
      authorize: (report) => requireReportScope(req, report),
      after: (report) => auditor.after(req, report.id, report.mission, 'report.create'),
    })
    const tally = { accepted: 0, replayed: 0, rejected: 0 }
    for (const x of results) {
      if (x.replayed) tally.replayed++
      else if (x.status < 300) tally.accepted++
      else tally.rejected++
    }
    count('accepted', '', tally.accepted)
    count('replayed', '', tally.replayed)
    for (const x of results) if (x.status >= 400) count('rejected', x.code ?? 'unknown')
    req.log.info({ ...tally, reportIds: results.slice(0, 50).map((x) => x.id) }, 'batch ingested')
    await auditor.record(req, 'report.batch', null, null, 'success', tally)
    return reply.code(200).send({ ...tally, results })
  })

  r.put('/reports/:id', {
    schema: { summary: 'Store a new revision of a report', tags: ['reports'], params: idParams, body: reportInputSchema },
    validatorCompiler: reportValidator,
    config: { permission: 'reports:write', audit: 'report.revise' },
  }, async (req, reply) => {
    const current = visible(req, req.params.id)
    requireMission(req, req.body.mission)
    const out = await ingest.revise(req.params.id, req.body, auditor.after(req, req.params.id, current.report.mission), (report) => requireReportScope(req, report))
    req.log.info({ reportId: req.params.id, revision: out.result.report.revision }, 'report revised')
    return reply.code(out.status).send(out.result)
  })

  r.delete('/reports/:id', {
    schema: { summary: 'Retract a report (kept, no longer evaluated)', tags: ['reports'], params: idParams, body: retractInputSchema.nullish() },
    config: { permission: 'reports:write', audit: 'report.retract' },
  }, async (req, reply) => {
    const current = visible(req, req.params.id)
    const out = await ingest.retract(req.params.id, req.body?.reason ?? null, auditor.after(req, req.params.id, current.report.mission))
    req.log.info({ reportId: req.params.id }, 'report retracted')
    return reply.code(out.status).send(out.result)
  })

  r.get('/reports/:id', {
    schema: { summary: 'A report: current revision and its history', tags: ['reports'], params: idParams },
    config: { permission: 'reports:read' },
  }, async (req) => {
    const stored = visible(req, req.params.id)
    return { report: presentReport(stored), history: reports.history(req.params.id) }
  })

  r.get('/reports', {
    schema: { summary: 'List reports in occurredAt order, filtered, cursor-paginated', tags: ['reports'], querystring: listQuery },
    config: { permission: 'reports:read' },
  }, async (req) => {
    const q = req.query
    if (q.mission) requireMission(req, q.mission, 'query.mission')
    const after = q.cursor ? decodeCursor(q.cursor, reportCursor, 'query.cursor') : null
    const scope = scopeOf(req)
    const areas = areasOf(req)
    const page = reports.list({
      ...(q.mission ? { mission: q.mission } : scope ? { mission: scope } : {}),
      ...(areas ? { areas } : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.admin1 ? { admin1: resolveAreaName(req, opts.gazetteers(), { mission: q.mission, missions: opts.missions }, q.admin1, 1, 'query.admin1') } : {}),
      ...(q.admin2 ? { admin2: resolveAreaName(req, opts.gazetteers(), { mission: q.mission, missions: opts.missions }, q.admin2, 2, 'query.admin2') } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.from ? { from: Date.parse(q.from) } : {}),
      ...(q.to ? { to: Date.parse(q.to) } : {}),
    }, after, q.limit)
    // Restricted reports the key may not read are left out: a page may then hold fewer than limit.
    return { items: page.items.filter((x) => canReadReport(req, x.report)).map(presentReport), nextCursor: page.next ? encodeCursor(page.next) : null }
  })
}
