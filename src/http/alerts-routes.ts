import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { wellFormedText } from '../well-formed-text.js'
import { errors } from '../errors.js'
import type { AlertChange, ChangeFilter } from '../storage/alerts-repo.js'
import { FeedHead } from '../storage/feed-head.js'
import { presentAlert, presentChange } from '../alerts/present-alert.js'
import { ALERT_STATUSES, DISPOSITIONS } from '../alerts/alert.js'
import { GRADES, LEVELS } from '../alerts/levels.js'
import type { Services } from '../services.js'
import type { Clock } from '../clock.js'
import { summaryMarkdown } from '../alerts/alert-summary.js'
import { STREAM_LIMITS, streamChanges } from './alert-stream.js'
import { areasOf, canReadReport, canSeeAt, requireMission, scopeOf, visibleInputs } from './access.js'
import { resolveAreaName } from './area-filter.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'
import type { Auditor } from './audit.js'
import type { FastifyRequest } from 'fastify'
import { FeedCursors, TOKEN_PATTERN, type FeedPosition } from './feed-cursor.js'
import { feedView } from './feed-view.js'
import { PageTurns, type PageTurnStats } from './page-turns.js'

export interface AlertsRoutesOptions {
  services: Services
  auditor: Auditor
  clock: Clock
  /** Longest a long poll may hold a request. */
  maxWaitSeconds: number
  heartbeatMs: number
  /** Most changes behind the head a stream may start from (STREAM_LIMITS.maxBacklog by default). */
  streamMaxBacklog?: number
  /** How long a stream's client may leave it full (or a poll's its page) before it is dropped. */
  streamStallMs?: number
  /** Bytes of feed pages written and not yet taken by their clients above which no page is built (PAGE_TURN_LIMITS). */
  pageBytesInFlight?: number
  /** Clients being served, for the metrics; `feedPages` is set here (bytes in flight, waiting turns). */
  clients: { polling: number; streaming: number; feedPages?: () => PageTurnStats }
  /** The missions vigil accepts: where area names in filters are looked up. */
  missions: readonly string[]
}

const idParams = z.object({ id: z.coerce.number().int().min(1) })
const flagMode = z.enum(['exclude', 'include', 'only']).default('exclude')

export const filterQuery = z.object({
  mission: z.string().max(20).optional(),
  level: z.enum(LEVELS).optional(),
  minGrade: z.enum(GRADES).optional(),
  status: z.enum(ALERT_STATUSES).optional(),
  taxonomy: z.string().regex(/^[A-Z]{3}(\.[A-Z]{2,12})?$/, 'a taxonomy code or top code, e.g. HOS or HOS.IED').optional(),
  admin1: z.string().max(100).optional().describe('alerts with an input in this admin1 area, whatever their scope: name (any spelling the gazetteer knows) or P-code'),
  admin2: z.string().max(100).optional().describe('alerts with an input in this admin2 area: name or P-code'),
  indicator: z.string().max(20).optional(),
  silenced: flagMode.describe('silenced alerts: left out by default'),
  inhibited: flagMode.describe('alerts covered by a higher-level one: left out by default'),
})

/** A feed cursor: a number (unscoped keys), or the sealed token a mission-scoped key is given. */
const afterParam = z.union([z.string().regex(TOKEN_PATTERN), z.coerce.number().int().min(0)])
  .describe('the cursor: 0 to start, then the nextCursor (or event id) last received')

const pollQuery = filterQuery.extend({
  after: afterParam.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  wait: z.coerce.number().min(0).max(3600).default(0).describe('long poll: seconds to hold the request when nothing is new (capped)'),
}).strict()

const actionBody = z.strictObject({
  by: wellFormedText(200).optional().describe('the person acting, when a desk key is shared'),
  note: wellFormedText(2000, 0).optional(),
})

const resolveBody = actionBody.extend({
  disposition: z.enum(DISPOSITIONS).optional().describe('how the alert turned out: useful (acted on in time), too-late, false-alarm, duplicate, not-actionable'),
})

const summaryQuery = z.strictObject({
  mission: z.string().max(20).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
})

const FILTER_KEYS = ['mission', 'level', 'minGrade', 'status', 'taxonomy', 'indicator'] as const

/** Where area names in filters are looked up. */
export interface AreaContext {
  gazetteers: () => GazetteerSet
  missions: readonly string[]
}

/** The poll filter from the query, narrowed to the missions and areas the caller may see. */
export function toFilter(req: FastifyRequest, q: z.infer<typeof filterQuery>, places: AreaContext): ChangeFilter {
  if (q.mission) requireMission(req, q.mission, 'query.mission')
  // A plain loop: this runs on every poll.
  const filter: Record<string, unknown> = {}
  for (const k of FILTER_KEYS) if (q[k] !== undefined) filter[k] = q[k]
  if (q.admin1 !== undefined) filter.admin1 = resolveAreaName(req, places.gazetteers(), { mission: q.mission, missions: places.missions }, q.admin1, 1, 'query.admin1')
  if (q.admin2 !== undefined) filter.admin2 = resolveAreaName(req, places.gazetteers(), { mission: q.mission, missions: places.missions }, q.admin2, 2, 'query.admin2')
  const scope = scopeOf(req)
  if (scope) filter.missions = scope
  const areas = areasOf(req)
  if (areas) filter.areas = areas
  filter.silenced = q.silenced
  filter.inhibited = q.inhibited
  return filter as ChangeFilter
}

/** Alerts for the JOC: the change feed (poll, long poll, stream), one alert, its history, actions, summary. */
export const alertsRoutes: FastifyPluginAsync<AlertsRoutesOptions> = async (app, opts) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { services, clock } = opts
  const { alerts } = services
  const places: AreaContext = { gazetteers: services.gazetteers, missions: opts.missions }
  const head = new FeedHead(alerts.lastSeq, services.signal, alerts.dataVersion)
  const stopWatching = head.watch((err) => app.log.error({ err }, 'alert feed: reading the head for other processes failed'))
  app.addHook('onClose', async () => stopWatching())
  // A caught-up poller gets what changesAfter answers when nothing follows, without a read transaction.
  const pageAfter = (after: number, limit: number, filter: ChangeFilter) =>
    (head.caughtUp(after) ? { changes: [] as AlertChange[], nextCursor: after } : alerts.changesAfter(after, limit, filter))
  /** A cursor beyond the head would silently miss every change up to it: refused, naming the head. */
  const refuseAhead = (after: number, path: string) => {
    if (head.isAhead(after)) throw errors.CURSOR_AHEAD(after, head.current(), path)
  }
  /** Whether the caller's key is still live, for requests that outlast the access check. */
  const keyStillLive = (req: FastifyRequest) => {
    const keyId = req.principal.keyId
    return keyId === null ? () => true : () => services.liveKeys.isLive(keyId)
  }
  const cursors = new FeedCursors(services.feedSecret())
  const stallMs = opts.streamStallMs ?? STREAM_LIMITS.stallMs
  const turns = new PageTurns({
    ...(opts.pageBytesInFlight ? { maxBytes: opts.pageBytesInFlight } : {}),
    stallMs,
    onStall: (bytes) => app.log.warn({ bytes, stallMs }, 'alert poll dropped: its client did not take its page'),
  })
  opts.clients.feedPages = () => turns.stats()
  const open = new Set<() => void>()
  const closing = new AbortController()
  // Streams never end on their own and long polls may wait half a minute: a graceful shutdown
  // ends the streams and answers the polls at once, so close() can finish.
  app.addHook('preClose', async () => {
    closing.abort()
    // In-flight writes commit first (the app's own preClose has let every write request finish),
    // so every stream receives every committed change before it ends.
    await services.queue.idle()
    for (const end of [...open]) end()
  })

  r.get('/alerts', {
    schema: {
      summary: 'Alert changes after a cursor, in change order; long poll with wait; 304 with If-None-Match',
      tags: ['alerts'],
      querystring: pollQuery,
    },
    config: { permission: 'alerts:read', quietLog: true },
  }, async (req, reply) => {
    const q = req.query
    const filter = toFilter(req, q, places)
    const view = feedView(req, cursors)
    const from = view.start(q.after, 'query.after')
    // Numbers are unscoped keys' cursors: one above the head is refused, naming the head.
    if (scopeOf(req) === null) refuseAhead(from.scanned, 'query.after')
    const known = req.headers['if-none-match']
    // The place a page leaves the client: its last change, or where it was when nothing was new.
    const placeOf = (p: { changes: AlertChange[]; nextCursor: number }): FeedPosition =>
      ({ visible: p.changes.at(-1)?.seq ?? from.visible, scanned: p.nextCursor })
    const etagOfPage = (p: { changes: AlertChange[]; nextCursor: number }) => view.etag(placeOf(p))
    // A page to read waits its turn (page-turns.ts): a crowd of clients paging from far back
    // takes turns with every other request instead of queueing them all behind its pages.
    if (!head.caughtUp(from.scanned)) {
      await turns.next()
      // A client that left while it waited gets no page built for nobody.
      if (req.raw.socket.destroyed) return reply.send()
    }
    let page = pageAfter(from.scanned, q.limit, filter)
    const waitMs = Math.min(q.wait, opts.maxWaitSeconds) * 1000
    if (waitMs > 0 && (page.changes.length === 0 || etagOfPage(page) === known)) {
      // A key revoked while its poll waits gets nothing committed after that: a 401.
      const allowed = keyStillLive(req)
      const read = () => {
        if (!allowed()) throw errors.UNAUTHENTICATED()
        return pageAfter(from.scanned, q.limit, filter)
      }
      page = await waitForNew(reply, waitMs, read, (p) => p.changes.length > 0 && etagOfPage(p) !== known, opts, closing.signal)
    }
    const etag = etagOfPage(page)
    reply.header('etag', etag).header('cache-control', 'no-cache')
    if (known === etag) return reply.code(304).send()
    const body = JSON.stringify({ changes: page.changes.map(view.change), nextCursor: view.cursor(placeOf(page)) })
    // In flight until the client has taken it: the next page waits while too many bytes are.
    if (page.changes.length > 0) turns.holdUntilFinished(reply.raw, Buffer.byteLength(body))
    return reply.type('application/json; charset=utf-8').send(body)
  })

  r.get('/alerts/stream', {
    schema: { summary: 'Server-Sent Events of the same changes; resumable with Last-Event-ID; 409 when starting too far behind (VIGIL_SSE_MAX_BACKLOG changes): page through GET /alerts first', tags: ['alerts'], querystring: filterQuery.extend({ after: afterParam.optional() }) },
    config: { permission: 'alerts:read' },
  }, async (req, reply) => {
    const view = feedView(req, cursors)
    const lastEventId = req.headers['last-event-id']
    const resumeFrom = typeof lastEventId === 'string' && /^\d+$/.test(lastEventId) ? Number(lastEventId)
      : typeof lastEventId === 'string' && TOKEN_PATTERN.test(lastEventId) ? lastEventId : undefined
    const from = resumeFrom !== undefined ? view.start(resumeFrom, 'headers.last-event-id') : view.start(req.query.after ?? 0, 'query.after')
    // A catch-up is paced by the client; one from far back goes through the poll API, page by page.
    if (scopeOf(req) === null) refuseAhead(from.scanned, resumeFrom !== undefined ? 'headers.last-event-id' : 'query.after')
    const filter = toFilter(req, req.query, places)
    const maxBacklog = opts.streamMaxBacklog ?? STREAM_LIMITS.maxBacklog
    if (scopeOf(req) === null) {
      const headSeq = head.current()
      if (headSeq - from.scanned > maxBacklog) throw errors.STREAM_TOO_FAR_BEHIND(from.scanned, headSeq, maxBacklog)
    } else if (alerts.countAfter(from.scanned, maxBacklog + 1, filter) > maxBacklog) {
      // Measured in the changes the key may see, and naming no global number.
      throw errors.STREAM_TOO_FAR_BEHIND(null, null, maxBacklog)
    }
    streamChanges(req, reply, { alerts, signal: services.signal, head, filter, after: from.scanned, view, heartbeatMs: opts.heartbeatMs, clients: opts.clients, open, turns, allowed: keyStillLive(req), stallMs })
  })

  r.get('/alerts/summary', {
    schema: { summary: 'Counts by level, grade, status and category, with open high and critical alerts (JSON or Markdown)', tags: ['alerts'], querystring: summaryQuery },
    config: { permission: 'alerts:read' },
  }, async (req, reply) => {
    if (req.query.mission) requireMission(req, req.query.mission, 'query.mission')
    const scope = scopeOf(req)
    const to = req.query.to ? Date.parse(req.query.to) : clock()
    const from = req.query.from ? Date.parse(req.query.from) : to - 7 * 86_400_000
    if (from > to) throw errors.VALIDATION([{ path: 'query.from', message: 'must not be after to' }])
    const areas = areasOf(req)
    const summary = alerts.summary({ ...(req.query.mission ? { missions: [req.query.mission] } : scope ? { missions: scope } : {}), ...(areas ? { areas } : {}), from, to })
    const view = feedView(req, cursors)
    const body = { mission: req.query.mission ?? null, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...summary, open: summary.open.map((a) => ({ ...view.alert(presentAlert(a)), coveredBy: a.coveredBy })) }
    if (req.headers.accept?.includes('text/markdown')) return reply.type('text/markdown; charset=utf-8').send(summaryMarkdown(body))
    return body
  })

  r.get('/alerts/:id', {
    schema: { summary: 'The current state of an alert, with its contributing inputs', tags: ['alerts'], params: idParams },
    config: { permission: 'alerts:read' },
  }, async (req) => {
    const a = alerts.get(req.params.id)
    if (!a || !canSeeAt(req, a.mission, a.scope.areas)) throw errors.ALERT_NOT_FOUND(req.params.id)
    // Inputs the key may not read (restricted, another area) are counted, not named.
    const seen = visibleInputs(alerts.inputIds(a.id), (id) => {
      if (id.startsWith('alert:')) return true
      const stored = services.reports.get(id)
      return stored !== null && canReadReport(req, stored.report)
    })
    // Said only when something is withheld: the answer to a key that reads everything is unchanged.
    return { ...feedView(req, cursors).alert(presentAlert(a, seen.inputs)), ...(seen.withheldInputs > 0 ? { withheldInputs: seen.withheldInputs } : {}) }
  })

  r.get('/alerts/:id/history', {
    schema: { summary: 'Every change of an alert: time, cause, actor, inputs', tags: ['alerts'], params: idParams },
    config: { permission: 'alerts:read' },
  }, async (req) => {
    const a = alerts.get(req.params.id)
    if (!a || !canSeeAt(req, a.mission, a.scope.areas)) throw errors.ALERT_NOT_FOUND(req.params.id)
    const view = feedView(req, cursors)
    return { alert: view.alert(presentAlert(a)), changes: alerts.history(a.id).map(view.change) }
  })

  for (const action of ['ack', 'resolve'] as const) {
    r.post(`/alerts/:id/${action}`, {
      schema: { summary: action === 'ack' ? 'Acknowledge an alert' : 'Resolve an alert', tags: ['alerts'], params: idParams, body: (action === 'ack' ? actionBody : resolveBody).nullish() },
      config: { permission: 'alerts:act', audit: action === 'ack' ? 'alert.ack' : 'alert.resolve' },
    }, async (req) => {
      const { id } = req.params
      const current = alerts.get(id)
      if (!current || !canSeeAt(req, current.mission, current.scope.areas)) throw errors.ALERT_NOT_FOUND(id)
      // The key says who acts; `by` only names a person behind a shared desk key (or with auth off).
      const body = req.body ?? {}
      const by = req.principal.keyId ? (body.by ? `${req.principal.name} (${body.by})` : req.principal.name) : (body.by ?? req.principal.name)
      const note = body.note
      const out = await services.queue.run(() => (action === 'ack'
        ? services.lifecycle.acknowledge(id, by, note ?? null, clock())
        : services.lifecycle.resolve(id, by, note ?? null, clock(), (body as z.infer<typeof resolveBody>).disposition ?? null)), opts.auditor.after(req, String(id), current.mission))
      req.log.info({ alertId: id, action, by, changed: out.changed }, `alert ${action}`)
      return { alert: feedView(req, cursors).alert(presentAlert(out.alert)), changed: out.changed }
    })
  }
}

/** Holds a long poll until `ready` says the page is worth sending, the wait ends, or the client leaves. */
async function waitForNew<P>(reply: FastifyReply, waitMs: number, read: () => P, ready: (p: P) => boolean,
  opts: AlertsRoutesOptions, shutdown: AbortSignal): Promise<P> {
  const deadline = Date.now() + waitMs
  const abort = new AbortController()
  const onClose = () => abort.abort()
  reply.raw.once('close', onClose)
  if (shutdown.aborted) abort.abort()
  shutdown.addEventListener('abort', onClose, { once: true })
  opts.clients.polling++
  try {
    let page = read()
    while (!ready(page) && !abort.signal.aborted) {
      const left = deadline - Date.now()
      if (left <= 0) break
      await opts.services.signal.next(left, abort.signal)
      page = read()
    }
    return page
  } finally {
    opts.clients.polling--
    reply.raw.off('close', onClose)
    shutdown.removeEventListener('abort', onClose)
    if (shutdown.aborted) reply.header('connection', 'close')
  }
}
