import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import type { RuleProblem } from '../rules/rule-loader.js'
import type { RuleRegistry } from '../rules/rule-registry.js'
import type { ReloadRules } from '../rules/rule-reloader.js'
import type { RuleSet } from '../rules/rule-set.js'
import { presentRule, presentRuleSummary } from '../rules/present-rule.js'
import type { PreviewRequest } from '../evaluate/rule-preview.js'

export interface RulesRoutesOptions {
  registry: Pick<RuleRegistry, 'current' | 'status'>
  reload: ReloadRules
  preview: (req: PreviewRequest) => Promise<unknown>
  missions: readonly string[]
}

/** The longest range a preview replays: a year of reports is already a long request. */
export const PREVIEW_MAX_DAYS = 366
const DAY_MS = 86_400_000

const idParams = z.object({ id: z.string().regex(/^[A-Z]{3}-\d{3}[a-z]?$/, 'an indicator id such as HOS-001') })

const isoDateTime = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with time zone, e.g. 2026-03-01T00:00:00Z' })

const previewBody = z.strictObject({
  rule: z.union([z.string().min(1), z.record(z.string(), z.unknown())])
    .describe('the draft rule: its YAML or JSON text, or the rule as an object'),
  from: isoDateTime.describe('start of the range (inclusive): reports that occurred from then'),
  to: isoDateTime.describe(`end of the range (exclusive); at most ${PREVIEW_MAX_DAYS} days after from`),
  mission: z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'a mission code such as MINUSMA').optional()
    .describe('only this mission\'s reports; default: every mission'),
}).superRefine((b, ctx) => {
  const span = Date.parse(b.to) - Date.parse(b.from)
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' })
  else if (span > PREVIEW_MAX_DAYS * DAY_MS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `a preview covers at most ${PREVIEW_MAX_DAYS} days; split the range` })
  }
}).meta({ id: 'RulePreview' })

/** A refused reload's problems as API problems: the path inside the rule, the file and place. */
function reloadProblems(problems: RuleProblem[]) {
  return problems.map((p) => ({ path: p.path, message: p.message, detail: { file: p.file, line: p.line, column: p.column } }))
}

const ruleList = (set: RuleSet) => ({
  version: set.version,
  loadedAt: new Date(set.loadedAt).toISOString(),
  rules: set.rules.map(presentRuleSummary).sort((a, b) => a.id.localeCompare(b.id)),
})

/** The indicator rules: what is live, reloading it, and previewing a draft against stored reports. */
export const rulesRoutes: FastifyPluginAsync<RulesRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { registry } = opts

  r.get('/rules', {
    schema: { summary: 'The live indicator rules: id, title, status, taxonomy, levels', tags: ['rules'] },
    config: { permission: 'rules:read' },
  }, async () => ruleList(registry.current()))

  r.get('/rules/status', {
    schema: { summary: 'The live rule-set version, when it was loaded, the last attempt and the last refused one', tags: ['rules'] },
    config: { permission: 'rules:manage' },
  }, async () => registry.status())

  r.get('/rules/:id', {
    schema: { summary: 'One live rule: parsed, and its source text', tags: ['rules'], params: idParams },
    config: { permission: 'rules:read' },
  }, async (req) => {
    const found = registry.current().rules.find((x) => x.rule.id === req.params.id)
    if (!found) throw errors.RULE_NOT_FOUND(req.params.id)
    return presentRule(found)
  })

  r.post('/rules/reload', {
    schema: { summary: 'Check the rules directory and swap it in when clean (422 and the old set stays live when not)', tags: ['rules'] },
    config: { permission: 'rules:manage', audit: 'rules.reload' },
  }, async () => {
    // The reloader logs the attempt; the answer carries it whole.
    const attempt = await opts.reload('http')
    if (!attempt.ok) throw errors.RULES_RELOAD_REFUSED(reloadProblems(attempt.problems), attempt, registry.current().version)
    return { attempt, status: registry.status() }
  })

  r.post('/rules/preview', {
    schema: {
      summary: 'Run a draft rule against the stored reports of a range, read-only: the alerts it would have raised',
      tags: ['rules'],
      body: previewBody,
    },
    config: { permission: 'rules:manage' },
  }, async (req) => {
    const { rule, from, to, mission } = req.body
    if (mission && !opts.missions.includes(mission)) {
      throw errors.VALIDATION([{ path: 'mission', message: `unknown mission '${mission}'`, detail: { known: opts.missions } }])
    }
    return opts.preview({ rule, from: Date.parse(from), to: Date.parse(to), ...(mission ? { mission } : {}) })
  })
}
