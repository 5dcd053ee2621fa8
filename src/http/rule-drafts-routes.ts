import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { stringify } from 'yaml'
import { errors } from '../errors.js'
import { wellFormedText } from '../well-formed-text.js'
import type { PreviewRequest } from '../evaluate/rule-preview.js'
import type { RuleDraft, RuleDraftsRepo } from '../storage/rule-drafts-repo.js'
import type { WriteQueue } from '../storage/write-queue.js'
import type { Clock } from '../clock.js'
import { requireMission, scopeOf, canSee } from './access.js'
import type { Auditor } from './audit.js'

export interface RuleDraftsRoutesOptions {
  /** The existing preview: the draft run on the stored reports of a range, read-only. */
  preview: (req: PreviewRequest) => Promise<{ rule: { id: string; version: number; title: string; replacesLive: boolean }; range: unknown; reports: unknown; counts: unknown }>
  drafts: RuleDraftsRepo
  reader: RuleDraftsRepo
  queue: WriteQueue
  auditor: Auditor
  clock: Clock
  missions: readonly string[]
}

const DAY_MS = 86_400_000
/** A draft is previewed on its mission's last quarter unless the JMAC names a range. */
const DEFAULT_PREVIEW_DAYS = 90
const MAX_PREVIEW_DAYS = 366

const isoDateTime = z.iso.datetime({ offset: true })
const draftBody = z.strictObject({
  rule: z.union([z.string().min(1).max(200_000), z.record(z.string(), z.unknown())]).describe('the proposed rule: YAML or JSON text, or the rule as an object'),
  mission: z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'a mission code such as MINUSMA').describe('the proposing mission: the preview replays its reports'),
  from: isoDateTime.optional().describe(`default: ${DEFAULT_PREVIEW_DAYS} days before to`),
  to: isoDateTime.optional().describe('default: now'),
  note: wellFormedText(4000, 0).optional().describe('why the mission proposes it'),
}).meta({ id: 'RuleDraft' })

const present = (d: RuleDraft, withText = true) => ({
  id: d.id, rule: { id: d.ruleId, version: d.version, title: d.title, replacesLive: d.replacesLive }, mission: d.mission,
  note: d.note, author: d.author, createdAt: new Date(d.createdAt).toISOString(), preview: d.preview, ...(withText ? { text: d.text } : {}),
})

/**
 * A mission's proposed indicator changes: previewed on the mission's own reports when proposed,
 * kept for HQ, who merge the ones they accept through git as for any rule change.
 */
export const ruleDraftsRoutes: FastifyPluginAsync<RuleDraftsRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.post('/rules/drafts', {
    schema: { summary: "Propose a rule change for a mission: previewed on the mission's reports, kept for HQ", tags: ['rules'], body: draftBody },
    config: { permission: 'rules:propose', audit: 'rule.draft' },
  }, async (req, reply) => {
    const b = req.body
    if (!opts.missions.includes(b.mission)) throw errors.VALIDATION([{ path: 'mission', message: `unknown mission '${b.mission}'`, detail: { known: opts.missions } }])
    requireMission(req, b.mission)
    const to = b.to ? Date.parse(b.to) : opts.clock()
    const from = b.from ? Date.parse(b.from) : to - DEFAULT_PREVIEW_DAYS * DAY_MS
    if (from >= to) throw errors.VALIDATION([{ path: 'to', message: 'must be after from' }])
    if (to - from > MAX_PREVIEW_DAYS * DAY_MS) throw errors.VALIDATION([{ path: 'to', message: `a preview covers at most ${MAX_PREVIEW_DAYS} days` }])
    // Refused with positioned problems, as rules check would, before anything is stored.
    const preview = await opts.preview({ rule: b.rule, from, to, mission: b.mission })
    const text = typeof b.rule === 'string' ? b.rule : stringify(b.rule)
    const draft = await opts.queue.run(() => opts.drafts.insert({
      ruleId: preview.rule.id, version: preview.rule.version, title: preview.rule.title, mission: b.mission, text, note: b.note || null,
      author: req.principal.name, createdAt: opts.clock(), replacesLive: preview.rule.replacesLive,
      preview: { range: preview.range, reports: preview.reports, counts: preview.counts },
    }), opts.auditor.after(req, null, b.mission))
    return reply.code(201).send({ draft: present(draft), preview })
  })

  r.get('/rules/drafts', {
    schema: { summary: 'Proposed rule changes, newest first (the missions of the key; HQ sees all)', tags: ['rules'], querystring: z.strictObject({ mission: z.string().max(20).optional() }) },
    config: { permission: 'rules:propose' },
  }, async (req) => {
    if (req.query.mission) requireMission(req, req.query.mission, 'query.mission')
    const scope = scopeOf(req)
    const missions = req.query.mission ? [req.query.mission] : scope ?? undefined
    return { drafts: opts.reader.list(missions).map((d) => present(d, false)) }
  })

  r.get('/rules/drafts/:id', {
    schema: { summary: 'One proposed rule change, with its text and preview', tags: ['rules'], params: z.object({ id: z.coerce.number().int().min(1) }) },
    config: { permission: 'rules:propose' },
  }, async (req) => {
    const d = opts.reader.get(req.params.id)
    if (!d || !canSee(req, d.mission)) throw errors.NOT_FOUND(`rule draft ${req.params.id}`)
    return present(d)
  })
}
