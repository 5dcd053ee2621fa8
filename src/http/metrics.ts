import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { PageTurnStats } from './page-turns.js'

export interface MetricSources {
  alerts: AlertsRepo
  rules: () => RuleSet
  clients: { polling: number; streaming: number; feedPages?: () => PageTurnStats }
  inputsInMemory: () => { series: number; rows: number }
}

/**
 * vigil's Prometheus metrics: counters fed by the pipeline, gauges read from the database and
 * the live state at scrape time (so they can never drift from the truth).
 */
export function createMetrics() {
  const registry = new Registry()
  const reports = new Counter({
    name: 'vigil_reports_total', help: 'Reports received, by outcome (accepted, replayed, rejected) and rejection reason',
    labelNames: ['outcome', 'reason'] as const, registers: [registry],
  })
  const evaluation = new Histogram({
    name: 'vigil_evaluation_seconds', help: 'Time to evaluate one report change against the indicators, alerts written',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers: [registry],
  })
  // Group commit made visible: jobs / transactions is the batch size, each batch one fsync.
  const transactions = new Counter({ name: 'vigil_write_transactions_total', help: 'Write transactions committed (one fsync each with synchronous=FULL)', registers: [registry] })
  const jobs = new Counter({ name: 'vigil_write_jobs_total', help: 'Write jobs (a report, a batch item, an acknowledgement...) committed, summed over the transactions', registers: [registry] })
  const http = httpRecorder()
  registry.registerMetric(http.requests as never)
  registry.registerMetric(http.latency as never)
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' })
  let sources: MetricSources | null = null

  new Gauge({
    name: 'vigil_alerts', help: 'Alerts by level, grade and status', labelNames: ['level', 'grade', 'status'] as const, registers: [registry],
    collect() {
      this.reset()
      for (const r of sources?.alerts.countByState() ?? []) this.set({ level: r.level, grade: r.grade, status: r.status }, r.count)
    },
  })
  new Gauge({
    name: 'vigil_rule_set_info', help: 'The live rule set (value 1), labelled with its content hash', labelNames: ['version'] as const, registers: [registry],
    collect() {
      this.reset()
      if (sources) this.set({ version: sources.rules().version }, 1)
    },
  })
  new Gauge({
    name: 'vigil_rules_loaded', help: 'Indicators in the live rule set', registers: [registry],
    collect() { this.set(sources?.rules().indicators.length ?? 0) },
  })
  new Gauge({
    name: 'vigil_indicator_inputs_in_memory', help: 'Indicator inputs held in memory for the aggregates: (indicator, mission) series and their rows',
    labelNames: ['kind'] as const, registers: [registry],
    collect() {
      const m = sources?.inputsInMemory() ?? { series: 0, rows: 0 }
      this.set({ kind: 'series' }, m.series)
      this.set({ kind: 'rows' }, m.rows)
    },
  })
  new Gauge({
    name: 'vigil_poll_waiting_clients', help: 'Long polls being held', registers: [registry],
    collect() { this.set(sources?.clients.polling ?? 0) },
  })
  new Gauge({
    name: 'vigil_stream_clients', help: 'Open alert streams (SSE)', registers: [registry],
    collect() { this.set(sources?.clients.streaming ?? 0) },
  })
  new Gauge({
    name: 'vigil_feed_page_bytes', help: 'Alert feed pages (polls, stream catch-ups) written and not yet taken by their clients: now, and the most so far (bounded by VIGIL_FEED_PAGES_MB and a page)',
    labelNames: ['kind'] as const, registers: [registry],
    collect() {
      const s = sources?.clients.feedPages?.() ?? { bytesInFlight: 0, peakBytesInFlight: 0 }
      this.set({ kind: 'in_flight' }, s.bytesInFlight)
      this.set({ kind: 'peak' }, s.peakBytesInFlight)
    },
  })
  new Gauge({
    name: 'vigil_feed_page_turns_waiting', help: 'Requests waiting for their turn to read a page of the alert feed', registers: [registry],
    collect() { this.set(sources?.clients.feedPages?.().waiting ?? 0) },
  })

  return {
    registry,
    report(outcome: 'accepted' | 'replayed' | 'rejected', reason = '', n = 1) {
      if (n > 0) reports.inc({ outcome, reason }, n)
    },
    observeEvaluation(seconds: number) {
      evaluation.observe(seconds)
    },
    /** One committed transaction of the write queue, holding `n` jobs. */
    observeCommit(n: number) {
      transactions.inc()
      jobs.inc(n)
    },
    /** One answered request; `route` is the route pattern, never the raw URL. */
    observeHttp: http.observe,
    attach(s: MetricSources) {
      sources = s
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** One route's numbers: answers by method and status, and its latency buckets. */
interface RouteRecord {
  route: string
  /** Keyed by status * 16 + method index: a number, so no string is built per request. */
  answers: Map<number, { method: string; status: string; n: number }>
  buckets: Float64Array
  sum: number
  count: number
}
interface Sample { value: number; labels: Record<string, string | number>; metricName?: string }

const METHOD_LABELS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'other']

/**
 * Request counts and latencies kept in plain maps and turned into Prometheus samples only when
 * scraped: prom-client's labelled children hash their labels on every call (about 1.4 µs each on
 * these machines); this costs two map look-ups and a short bucket scan per request.
 */
function httpRecorder() {
  const routes = new Map<string, RouteRecord>()
  const observe = (method: string, route: string, status: number, seconds: number) => {
    let r = routes.get(route)
    if (!r) routes.set(route, r = { route, answers: new Map(), buckets: new Float64Array(LATENCY_BUCKETS.length), sum: 0, count: 0 })
    const m = METHOD_LABELS.indexOf(method)
    const key = status * 16 + (m < 0 ? METHOD_LABELS.length - 1 : m)
    const a = r.answers.get(key)
    if (a) a.n++
    else r.answers.set(key, { method: m < 0 ? 'other' : method, status: String(status), n: 1 })
    let i = 0
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++
    if (i < LATENCY_BUCKETS.length) r.buckets[i]!++
    r.sum += seconds
    r.count++
  }
  return {
    observe,
    requests: {
      name: 'vigil_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', type: 'counter', aggregator: 'sum',
      get: () => ({
        name: 'vigil_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', type: 'counter', aggregator: 'sum',
        values: [...routes.values()].flatMap((r) => [...r.answers.values()].map((a): Sample => ({ value: a.n, labels: { method: a.method, route: r.route, status: a.status } }))),
      }),
    },
    latency: {
      name: 'vigil_http_request_duration_seconds', help: 'Time from request to answer, by route pattern (long polls wait up to their wait=)', type: 'histogram', aggregator: 'sum',
      get: () => ({
        name: 'vigil_http_request_duration_seconds', help: 'Time from request to answer, by route pattern (long polls wait up to their wait=)', type: 'histogram', aggregator: 'sum',
        values: [...routes.values()].flatMap((t): Sample[] => {
          let cumulative = 0
          return [
            ...LATENCY_BUCKETS.map((le, i) => {
              cumulative += t.buckets[i]!
              return { metricName: 'vigil_http_request_duration_seconds_bucket', value: cumulative, labels: { le, route: t.route } }
            }),
            { metricName: 'vigil_http_request_duration_seconds_bucket', value: t.count, labels: { le: '+Inf', route: t.route } },
            { metricName: 'vigil_http_request_duration_seconds_sum', value: t.sum, labels: { route: t.route } },
            { metricName: 'vigil_http_request_duration_seconds_count', value: t.count, labels: { route: t.route } },
          ]
        }),
      }),
    },
  }
}

/** The route label of a request no route matched: one label for every unknown URL. */
export const UNMATCHED_ROUTE = 'unmatched'

/**
 * Counts and times every answered request by its route pattern (`/alerts/:id`): a label per raw
 * URL would grow without bound. Requests no route matched share one label.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics) {
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.is404 ? UNMATCHED_ROUTE : req.routeOptions.url ?? UNMATCHED_ROUTE
    metrics.observeHttp(req.method, route, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
}

/** GET /metrics in the Prometheus text format. */
export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] }, config: { permission: 'metrics:read' } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}
