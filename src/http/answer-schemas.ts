import { z } from 'zod'
import { ALERT_STATUSES, CHANGE_KINDS, DISPOSITIONS } from '../alerts/alert.js'
import { CONFIDENCES, GRADES, LEVELS } from '../alerts/levels.js'
import { ROLES } from '../auth/roles.js'

/**
 * The bodies vigil answers with, as zod schemas: the OpenAPI document's success answers are
 * generated from them (src/http/openapi.ts), and the tests check real answers against them.
 * Documentation only: fastify does not serialise through them, so an answer never loses a field.
 * Objects list the fields a client may rely on; answers may carry more.
 */

const time = z.string().describe('ISO 8601, UTC')
const maybeTime = time.nullable()
/** A position in the alert feed: a number for unscoped keys, a sealed token (c_...) for mission-scoped ones. */
const feedPosition = z.union([z.number().int(), z.string()])

const areaRef = z.object({ level: z.union([z.literal(1), z.literal(2)]), name: z.string(), pcode: z.string().optional() })

export const alertAnswer = z.object({
  id: z.number().int(),
  identity: z.string().describe('indicator|mission|group values, e.g. HOS-001|MINUSMA|route=MSR-1'),
  indicator: z.object({ id: z.string(), version: z.number().int() }),
  ruleSetVersion: z.string(),
  mission: z.string(),
  taxonomy: z.array(z.string()),
  topCategory: z.string(),
  level: z.enum(LEVELS),
  grade: z.enum(GRADES),
  confidence: z.enum(CONFIDENCES),
  trend: z.number().nullable().describe('this window against the mean of the previous ones; null: no history (new)'),
  status: z.enum(ALERT_STATUSES),
  statusReason: z.string().nullable(),
  silenced: z.boolean(),
  inhibited: z.boolean(),
  scope: z.object({
    mission: z.string(),
    groupBy: z.record(z.string(), z.string()),
    admin1: z.string().optional(), admin1Pcode: z.string().optional(), admin2: z.string().optional(), admin2Pcode: z.string().optional(),
    route: z.string().optional(), site: z.string().optional(), siteId: z.string().optional(),
    areas: z.array(areaRef).optional(),
  }),
  windowHours: z.number(),
  count: z.number(),
  facts: z.record(z.string(), z.number().nullable()),
  summary: z.string().describe('the sentence a duty officer reads'),
  explanation: z.record(z.string(), z.unknown()).describe('the condition tree of the threshold that holds, with the values'),
  firstSeen: time, lastSeen: time, raisedAt: time, updatedAt: time, expiresAt: time,
  acknowledged: z.object({ by: z.string(), at: maybeTime }).nullable(),
  resolved: z.object({ by: z.string(), at: maybeTime }).nullable(),
  response: z.object({
    actions: z.array(z.string()), responsible: z.string(), acknowledgeWithin: z.string(), actWithin: z.string(),
    references: z.array(z.string()), defaulted: z.array(z.string()), since: maybeTime, acknowledgeBy: maybeTime, actBy: maybeTime,
  }).nullable(),
  overdue: z.object({ acknowledge: z.boolean(), act: z.boolean() }),
  assignee: z.object({ to: z.string(), by: z.string(), at: maybeTime, note: z.string().nullable() }).nullable(),
  lastActionAt: maybeTime,
  disposition: z.object({ value: z.enum(DISPOSITIONS), note: z.string().nullable() }).nullable(),
  seq: feedPosition,
  inputs: z.array(z.string()).optional().describe('the report ids (or alert:<id>) it counts; on GET /alerts/:id'),
}).meta({ id: 'AlertAnswer', description: 'An alert as the API shows it' })

export const alertChangeAnswer = z.object({
  seq: feedPosition,
  kind: z.enum(CHANGE_KINDS),
  at: time,
  actor: z.string().nullable(),
  cause: z.string(),
  inputs: z.array(z.string()),
  alert: alertAnswer,
}).meta({ id: 'AlertChangeAnswer', description: 'One change of the feed or of an alert\'s history, with the alert as it stood after it' })

export const alertFeedAnswer = z.object({
  changes: z.array(alertChangeAnswer),
  nextCursor: feedPosition.describe('pass it back as after= to get the next changes'),
}).meta({ id: 'AlertFeed' })

export const alertHistoryAnswer = z.object({ alert: alertAnswer, changes: z.array(alertChangeAnswer) })
export const alertTransitionAnswer = z.object({ alert: alertAnswer, changed: z.boolean() })

export const alertSummaryAnswer = z.object({
  missions: z.array(z.string()).nullable().optional(),
  counts: z.unknown().optional(),
  open: z.array(z.unknown()).optional(),
}).catchall(z.unknown()).meta({ id: 'AlertSummary', description: 'Counts by level, grade, status and category, and the open alerts of grade high and above (Accept: text/markdown for the brief)' })

export const alertActionAnswer = z.object({
  id: z.number().int(), alertId: z.number().int(), action: z.string(), unit: z.string(),
  startedAt: time, endedAt: maybeTime, outcome: z.string(), reason: z.string().nullable(),
  recordedBy: z.string(), recordedAt: time,
}).catchall(z.unknown()).meta({ id: 'AlertActionAnswer' })

const alertChangeSummary = z.object({
  alertId: z.number().int(), seq: feedPosition, kind: z.string(), indicatorId: z.string(), level: z.string(), grade: z.string(), status: z.string(),
})

export const reportAnswer = z.object({
  id: z.string(), mission: z.string(), occurredAt: time, category: z.string(), categoryTerm: z.string().optional(),
  location: z.record(z.string(), z.unknown()),
  source: z.record(z.string(), z.unknown()),
  revision: z.number().int(), status: z.enum(['active', 'retracted']), receivedAt: time, updatedAt: time,
  retractedReason: z.string().optional(),
}).catchall(z.unknown()).meta({ id: 'ReportAnswer', description: 'A stored report: as posted, classified and placed, with its revision' })

export const reportWriteAnswer = z.object({ report: reportAnswer, alerts: z.array(alertChangeSummary) }).meta({ id: 'ReportWriteAnswer', description: 'The stored report and the alert changes it caused' })

export const reportBatchAnswer = z.object({
  accepted: z.number().int(), replayed: z.number().int(), rejected: z.number().int(),
  results: z.array(z.object({ id: z.string().nullable().optional(), status: z.number().int() }).catchall(z.unknown())),
})

export const reportWithHistoryAnswer = z.object({
  report: reportAnswer,
  history: z.array(z.object({ revision: z.number().int(), kind: z.enum(['create', 'revise', 'retract']), at: time, reason: z.string().nullable(), report: z.unknown() })),
})

export const reportListAnswer = z.object({ items: z.array(reportAnswer), nextCursor: z.string().nullable() })

export const silenceAnswer = z.object({
  id: z.number().int(), matchers: z.record(z.string(), z.unknown()), startsAt: time, endsAt: time, reason: z.string(), author: z.string(),
  createdAt: time, endedAt: maybeTime, endedBy: z.string().nullable(), active: z.boolean(),
}).meta({ id: 'SilenceAnswer' })

export const keyAnswer = z.object({
  id: z.string(), name: z.string(), role: z.enum(ROLES), missions: z.array(z.string()), areas: z.array(z.string()).nullable(),
  createdAt: time, createdBy: z.string().nullable(), revokedAt: maybeTime, revokedBy: z.string().nullable(), active: z.boolean(),
}).meta({ id: 'KeyAnswer' })

const ruleSummaryAnswer = z.object({
  id: z.string(), title: z.string(), status: z.string(), version: z.number().int(), taxonomy: z.array(z.unknown()), input: z.string(),
  levels: z.array(z.enum(LEVELS)), thresholds: z.array(z.object({ level: z.enum(LEVELS), grade: z.enum(GRADES) })),
  window: z.string(), expires: z.string(), description: z.string(), owner: z.string(), file: z.string(),
}).catchall(z.unknown()).meta({ id: 'RuleSummary' })

const reloadAnswer = z.object({ attempt: z.record(z.string(), z.unknown()), status: z.record(z.string(), z.unknown()) })
const statusAnswer = z.object({ version: z.string() }).catchall(z.unknown())
const ruleDraftAnswer = z.object({ id: z.number().int(), mission: z.string() }).catchall(z.unknown())
const geojson = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.record(z.string(), z.unknown())) }).catchall(z.unknown())

/** A non-JSON answer: its content type and what it holds. */
export interface OtherAnswer {
  contentType: string
  description: string
}

export type Answer = z.ZodType | OtherAnswer

/** What a partner sees of a report: no narrative, sources, tags or CASEVAC times (src/reports/report-release.ts). */
const partnerReportAnswer = z.object({
  id: z.string(), mission: z.string(), occurredAt: time, category: z.string(), status: z.string(),
  sensitivity: z.enum(['public', 'internal', 'restricted']),
  place: z.record(z.string(), z.unknown()).describe('the resolved place: coordinates, precision, areas with P-codes, site, route'),
  postedBy: z.string().optional().describe('the partner organisation that posted it'),
}).catchall(z.unknown())

/** What a partner sees of an alert released to it: no explanation, response, assignee or facts. */
const partnerAlertAnswer = z.object({
  id: z.number().int(), mission: z.string(), level: z.enum(LEVELS), grade: z.enum(GRADES), status: z.enum(ALERT_STATUSES),
  topCategory: z.string(), taxonomy: z.array(z.string()), place: z.record(z.string(), z.unknown()), summary: z.string(), count: z.number(),
  firstSeen: maybeTime, lastSeen: maybeTime, raisedAt: maybeTime, updatedAt: maybeTime, expiresAt: maybeTime, releasedAt: maybeTime,
  inputs: z.array(z.string()).describe('the reports behind it that are released to the partner too'),
  withheldInputs: z.number().int().describe('the others: counted, not named'),
})

const releaseAnswer = z.object({
  alertId: z.number().int(),
  releases: z.array(z.object({ org: z.string(), releasedBy: z.string(), releasedAt: time, note: z.string().nullable() })),
})

/**
 * Every route's success answer, by `METHOD /url` as fastify registers it. A route missing here
 * fails the OpenAPI test: a generated client must know what each call returns.
 */
export const ANSWERS: Record<string, Answer> = {
  'GET /healthz': z.object({ status: z.literal('ok') }).catchall(z.unknown()),
  'GET /readyz': z.object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.unknown()) }),
  'GET /metrics': { contentType: 'text/plain; version=0.0.4', description: 'Prometheus text exposition' },
  'GET /missions': z.object({ missions: z.array(z.string()) }),

  'GET /taxonomy': z.object({ version: z.string(), categories: z.array(z.record(z.string(), z.unknown())) }).catchall(z.unknown()),
  'GET /taxonomy/:code': z.object({ version: z.string(), level: z.enum(['top', 'sub']), code: z.string(), label: z.string(), definition: z.string() }).catchall(z.unknown()),

  'GET /gazetteer': z.object({ version: z.string(), missions: z.array(z.object({ mission: z.string(), version: z.string(), admin1: z.number(), admin2: z.number(), sites: z.number(), routes: z.number() }).catchall(z.unknown())) }),
  'GET /gazetteer/status': statusAnswer,
  'GET /gazetteer/:mission': geojson.describe('the mission\'s areas, sites and routes as one GeoJSON FeatureCollection'),
  'POST /gazetteer/reload': reloadAnswer,

  'GET /rules': z.object({ version: z.string(), rules: z.array(ruleSummaryAnswer) }).catchall(z.unknown()),
  'GET /rules/status': statusAnswer,
  'GET /rules/:id': z.object({ id: z.string(), file: z.string(), rule: z.record(z.string(), z.unknown()), source: z.string() }),
  'POST /rules/reload': reloadAnswer,
  'POST /rules/preview': z.object({ alerts: z.array(z.unknown()) }).catchall(z.unknown()),
  'POST /rules/drafts': z.object({ draft: ruleDraftAnswer, preview: z.unknown() }),
  'GET /rules/drafts': z.object({ drafts: z.array(ruleDraftAnswer) }),
  'GET /rules/drafts/:id': ruleDraftAnswer,

  'POST /reports': reportWriteAnswer,
  'POST /reports/batch': reportBatchAnswer,
  'PUT /reports/:id': reportWriteAnswer,
  'DELETE /reports/:id': reportWriteAnswer,
  'GET /reports/:id': reportWithHistoryAnswer,
  'GET /reports': reportListAnswer,

  'GET /alerts': alertFeedAnswer,
  'GET /alerts/stream': { contentType: 'text/event-stream', description: 'Server-Sent Events: one `change` event per alert change (data: an AlertChangeAnswer), id: its cursor; heartbeats as comments' },
  'GET /alerts/summary': alertSummaryAnswer,
  'GET /alerts/:id': alertAnswer,
  'GET /alerts/:id/history': alertHistoryAnswer,
  'POST /alerts/:id/ack': alertTransitionAnswer,
  'POST /alerts/:id/resolve': alertTransitionAnswer,
  'POST /alerts/:id/assign': alertTransitionAnswer,
  'POST /alerts/:id/actions': z.object({ action: alertActionAnswer, alert: alertAnswer }),
  'POST /alerts/:id/release': releaseAnswer,
  'GET /partner/alerts': z.object({ items: z.array(partnerAlertAnswer), next: z.number().int().nullable().describe('pass as after= for the next page') }),
  'GET /partner/alerts/:id': partnerAlertAnswer,
  'GET /partner/reports': z.object({ items: z.array(partnerReportAnswer), nextCursor: z.string().nullable() }),
  'GET /partner/reports/:id': partnerReportAnswer,
  'POST /partner/reports': z.object({ report: partnerReportAnswer.nullable() }),
  'GET /alerts/:id/actions': z.object({ alertId: z.number().int(), actions: z.array(alertActionAnswer) }),
  'GET /indicators/:id/performance': z.object({ indicator: z.string(), mission: z.string().nullable(), from: time, to: time }).catchall(z.unknown()),

  'POST /silences': z.object({ silence: silenceAnswer }).catchall(z.unknown()),
  'GET /silences': z.object({ silences: z.array(silenceAnswer) }),
  'DELETE /silences/:id': z.object({ silence: silenceAnswer, alertsUnsilenced: z.number().int() }),

  'POST /keys': z.object({ key: keyAnswer, token: z.string().describe('shown once') }),
  'GET /keys': z.object({ keys: z.array(keyAnswer) }),
  'DELETE /keys/:id': z.object({ key: keyAnswer }),
  'GET /audit': z.object({ records: z.array(z.object({ id: z.number().int(), at: time, action: z.string(), outcome: z.string() }).catchall(z.unknown())), nextCursor: z.number().int() }),

  'GET /notifications': z.object({ notifications: z.array(z.object({ id: z.number().int(), idempotencyKey: z.string(), receiver: z.string(), status: z.string(), alertIds: z.array(z.number().int()) }).catchall(z.unknown())), nextBefore: z.number().int().nullable() }),
  'GET /routing/status': statusAnswer,
  'GET /briefs/:mission/latest': z.object({ mission: z.string(), every: z.string(), producedAt: time, markdown: z.string() }).catchall(z.unknown()),
  'GET /backtest/latest': z.object({ writtenAt: time, summary: z.unknown() }),

  'GET /reports.geojson': { contentType: 'application/geo+json', description: 'the reports as a GeoJSON FeatureCollection, streamed' },
  'GET /reports.csv': { contentType: 'text/csv', description: 'the reports as CSV with an HXL hashtag row, streamed' },
  'GET /alerts.geojson': { contentType: 'application/geo+json', description: 'the alerts as a GeoJSON FeatureCollection, streamed' },
  'GET /alerts.csv': { contentType: 'text/csv', description: 'the alerts as CSV with an HXL hashtag row, streamed' },
  'GET /cap/alerts/:id.xml': { contentType: 'application/cap+xml', description: 'one alert as a CAP 1.2 message' },
  'GET /cap/alerts.atom': { contentType: 'application/atom+xml', description: 'an Atom feed of the active alerts\' CAP messages' },
}

/** JSON answers that also come in another type on request (Accept). */
export const ALSO_AS: Record<string, OtherAnswer> = {
  'GET /alerts/summary': { contentType: 'text/markdown', description: 'the morning brief, with Accept: text/markdown' },
  'GET /briefs/:mission/latest': { contentType: 'text/markdown', description: 'the brief itself, with Accept: text/markdown' },
}

/** True for an answer that is not JSON. */
export function isOtherAnswer(a: Answer): a is OtherAnswer {
  return typeof (a as OtherAnswer).contentType === 'string'
}
