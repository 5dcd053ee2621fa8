import type { FastifyPluginAsync } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AlertsRepo } from '../storage/alerts-repo.js'
import type { RuleSet } from '../rules/rule-set.js'

export interface MetricSources {
  alerts: AlertsRepo
  rules: () => RuleSet
  clients: { polling: number; streaming: number }
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

  return {
    registry,
    report(outcome: 'accepted' | 'replayed' | 'rejected', reason = '', n = 1) {
      if (n > 0) reports.inc({ outcome, reason }, n)
    },
    observeEvaluation(seconds: number) {
      evaluation.observe(seconds)
    },
    attach(s: MetricSources) {
      sources = s
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/** GET /metrics in the Prometheus text format. */
export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] }, config: { permission: 'metrics:read' } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}
