import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { manualClock } from '../clock.js'
import { createServices } from '../services.js'
import { openStore } from '../storage/store.js'
import { createAlertsRepo, type AlertsRepo } from '../storage/alerts-repo.js'
import { VigilError } from '../errors.js'
import type { Report } from '../reports/report.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { AlertState } from '../alerts/alert.js'
import type { AlertChange } from '../storage/alerts-repo.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'

export interface ReplayOptions {
  /** Classified reports, in occurredAt order (an array is sorted here; any other iterable must be). */
  reports: Iterable<Report>
  set: RuleSet
  taxonomy: Taxonomy
  missions: readonly string[]
  /** When the final expiry sweep runs; default: the last report's occurredAt. */
  until?: number
  /** The gazetteers the reports were placed with: facts over bordering areas read them. */
  gazetteers?: GazetteerSet
}

/** A report the engine refused during the replay (a duplicate id with other content, say). */
export interface RejectedReport {
  id: string
  message: string
}

export interface ReplayResult {
  /** Every alert as it stands after the final sweep, in id order (ids are the replay's own). */
  alerts: AlertState[]
  /** The inputs (report ids, or `alert:<id>` for escalations) each alert was built on. */
  inputs: ReadonlyMap<number, string[]>
  /** Every alert change, in order. */
  changes: AlertChange[]
  replayed: number
  rejected: RejectedReport[]
}

/** Reports queued per round: the write queue commits them in a few transactions, not one each. */
const CHUNK = 250

const occurredAt = (r: Report) => Date.parse(r.occurredAt)

function inOrder(reports: Iterable<Report>): Iterable<Report> {
  // A stable sort: reports that occurred at the same moment keep the order they were given in.
  return Array.isArray(reports) ? [...(reports as Report[])].sort((a, b) => occurredAt(a) - occurredAt(b)) : reports
}

function rejection(report: Report, err: unknown): RejectedReport {
  const message = err instanceof VigilError && err.problems.length > 0
    ? `${err.message}: ${err.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`
    : (err as Error).message
  return { id: report.id, message }
}

type ReplayServices = ReturnType<typeof createServices>
type ReplayClock = ReturnType<typeof manualClock>

/**
 * Moves the simulated clock to `t`, expiring on the way every alert that falls due before it at
 * its own expiry time, as the service's expiry timer would have (within one sweep interval),
 * rather than whenever the next report happens to arrive. Runs as a write-queue job, so it sees
 * the writes of every report before it.
 */
function advance(services: ReplayServices, due: AlertsRepo, clock: ReplayClock, t: number) {
  let next: number | undefined
  while ((next = due.dueForExpiry(t)[0]?.expiresAt) !== undefined) {
    // Never backwards: an alert overdue already (it cannot be, but a clock must not rewind) ends now.
    const at = Math.max(next, clock())
    clock.set(at)
    services.evaluator.expire(at)
  }
  clock.set(t)
}

/**
 * Feeds the reports to the engine in order, a chunk at a time: the write queue then commits a
 * chunk in a few transactions instead of one per report, and each report is still its own job.
 */
async function feed(services: ReplayServices, step: (t: number) => void, reports: Iterable<Report>) {
  const rejected: RejectedReport[] = []
  let replayed = 0
  let last: number | null = null
  let chunk: Promise<void>[] = []
  for (const report of inOrder(reports)) {
    const t = occurredAt(report)
    if (last !== null && t < last) throw new Error(`replay input out of order: ${report.id} occurred before the report replayed ahead of it`)
    last = t
    // The queue runs jobs in order, so moving the clock as a job places it right before the report's own.
    services.queue.run(() => step(t)).catch(() => undefined)
    chunk.push(services.ingest.createClassified(report).then(
      // A repeat of an earlier report (same id, same content) is stored once, like in the service.
      (out) => { if (!out.replayed) replayed++ },
      (err: unknown) => { rejected.push(rejection(report, err)) },
    ))
    if (chunk.length >= CHUNK) {
      await Promise.all(chunk)
      chunk = []
    }
  }
  await Promise.all(chunk)
  return { replayed, rejected, last }
}

/** Every alert of the replay with its inputs, and every change in order. */
function collect(services: ReplayServices) {
  const alerts = services.alerts.all()
  return {
    alerts,
    inputs: new Map(alerts.map((a) => [a.id, services.alerts.inputIds(a.id)])),
    changes: alerts.flatMap((a) => services.alerts.history(a.id)).sort((x, y) => x.seq - y.seq),
  }
}

/**
 * Replays reports through the real engine (createServices: the same ingest, evaluator and write
 * queue as the service) on a temporary database: each report evaluated with the clock at its
 * occurredAt, as if it had arrived the moment it happened, every alert expiring at its own
 * expiry time as the service's timer would end it, and the clock finally moved to `until`.
 * The rule tests, the rule preview and the backtest all evaluate through here, so they agree
 * with the service and with each other. Nothing outside the temporary database is written.
 */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-replay-'))
  const store = openStore(path.join(dir, 'replay.db'), { synchronous: 'NORMAL' })
  // A throwaway database needs no durability: without fsyncs at WAL checkpoints a long replay runs
  // about a fifth faster.
  store.writer.pragma('synchronous = OFF')
  const clock = manualClock(0)
  const services = createServices({ store, taxonomy: opts.taxonomy, missions: opts.missions, rules: { current: () => opts.set }, clock, ...(opts.gazetteers ? { gazetteers: () => opts.gazetteers! } : {}) })
  try {
    const due = createAlertsRepo(store.writer)
    const step = (t: number) => advance(services, due, clock, t)
    const fed = await feed(services, step, opts.reports)
    await services.queue.run(() => step(opts.until ?? fed.last ?? 0))
    await services.sweep()
    await services.queue.close()
    return { ...collect(services), replayed: fed.replayed, rejected: fed.rejected }
  } finally {
    // A failed replay may leave jobs queued; they settle before the database goes away.
    await services.queue.close().catch(() => undefined)
    store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
