import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AuditRepo } from '../storage/audit-repo.js'

const query = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  keyId: z.string().max(40).optional(),
  action: z.string().max(40).optional().describe('an action (report.create) or a family (report)'),
  target: z.string().max(200).optional(),
  outcome: z.string().max(60).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
})

/** The audit trail, for admin and HQ: oldest first, cursor-paginated, filterable. */
export const auditRoutes: FastifyPluginAsync<{ audit: AuditRepo }> = async (app, { audit }) => {
  app.withTypeProvider<ZodTypeProvider>().get('/audit', {
    schema: { summary: 'Audit records of every write: who, what, target, when, request, outcome', tags: ['audit'], querystring: query },
    config: { permission: 'audit:read' },
  }, async (req) => {
    const q = req.query
    const records = audit.list({
      ...(q.keyId ? { keyId: q.keyId } : {}), ...(q.action ? { action: q.action } : {}), ...(q.target ? { target: q.target } : {}),
      ...(q.outcome ? { outcome: q.outcome } : {}), ...(q.from ? { from: Date.parse(q.from) } : {}), ...(q.to ? { to: Date.parse(q.to) } : {}),
    }, q.after, q.limit)
    const last = records[records.length - 1]
    return {
      records: records.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
      nextCursor: last ? last.id : q.after,
    }
  })
}
