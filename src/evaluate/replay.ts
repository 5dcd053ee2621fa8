import { VigilError, errors } from '../errors.js'
import { fingerprint, type Report } from '../reports/report.js'
import { labelOf, type Taxonomy } from '../taxonomy/taxonomy.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { AlertState } from '../alerts/alert.js'
import { changeRecord, type ChangeRecord, type SnapshotChange } from '../engine/alert-change.js'
import { createMemoryEngine, type MemoryEngine } from '../engine/memory-engine.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'

export interface ReplayOptions {
  /** Classified reports, in occurredAt order (an array is sorted here; any other iterable must be). */
  reports: Iterable<Report>
  set: RuleSet
  taxonomy: Taxonomy
  missions: readonly string[]
  /** When the final expiry sweep runs; default: the last report's occurredAt. */
  until?: number
  /** Run the reporting-gap watch (DATA.GAP) as the service's timer would; off unless asked. */
  reportingGaps?: boolean
  /** The gazetteers the reports were placed with: facts over bordering areas read them. */
  gazetteers?: GazetteerSet
  /** Keeps the whole alert with every change (`alert`); without, a change is a compact record. */
  snapshots?: boolean
}

/** A report the engine refused during the replay (a duplicate id with other content, say). */
export interface RejectedReport {
  id: string
  message: string
}

export interface ReplayResult<C extends ChangeRecord = ChangeRecord> {
  /** Every alert as it stands after the final sweep, in id order (ids are the replay's own). */
  alerts: AlertState[]
  /** The inputs (report ids, or `alert:<id>` for escalations) each alert was built on. */
  inputs: ReadonlyMap<number, string[]>
  /** Every alert change, in order: compact records, or with the whole alert when `snapshots` was asked for. */
  changes: C[]
  replayed: number
  rejected: RejectedReport[]
  /** Inputs (reports and alerts) taken by an indicator that matched them: the evaluations the replay ran. */
  matched: number
}

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

/**
 * Feeds the reports to the engine in order, each at its own time. A repeat of an earlier report
 * (same id, same content) is taken once and other content under the same id is refused, as the
 * service's ingest does.
 */
function feed(engine: MemoryEngine, reports: Iterable<Report>) {
  const rejected: RejectedReport[] = []
  const seen = new Map<string, string>()
  let replayed = 0
  let last: number | null = null
  for (const report of inOrder(reports)) {
    const t = occurredAt(report)
    if (last !== null && t < last) throw new Error(`replay input out of order: ${report.id} occurred before the report replayed ahead of it`)
    last = t
    engine.advance(t)
    const fp = fingerprint(report)
    const first = seen.get(report.id)
    if (first !== undefined) {
      if (first !== fp) rejected.push(rejection(report, errors.REPORT_CONFLICT(report.id)))
      continue
    }
    try {
      engine.reportChanged({ before: null, after: report, reportId: report.id })
      seen.set(report.id, fp)
      replayed++
    } catch (err) {
      rejected.push(rejection(report, err))
    }
  }
  return { replayed, rejected, last }
}

/**
 * Replays reports through the engine (src/engine: the same evaluator and alert writer as the
 * service) wholly in memory: each report evaluated with the clock at its occurredAt, as if it
 * had arrived the moment it happened, every alert expiring at its own expiry time as the
 * service's timer would end it, and the clock finally moved to `until`. The rule tests, the rule
 * preview, the backtest and calibration all evaluate through here, so they agree with the
 * service and with each other. Nothing is written anywhere.
 */
export async function replay(opts: ReplayOptions & { snapshots: true }): Promise<ReplayResult<SnapshotChange>>
export async function replay(opts: ReplayOptions): Promise<ReplayResult>
export async function replay(opts: ReplayOptions): Promise<ReplayResult<ChangeRecord | SnapshotChange>> {
  const engine = createMemoryEngine(() => opts.set, {
    compactLog: !opts.snapshots,
    categoryLabel: labelOf(opts.taxonomy),
    ...(opts.reportingGaps ? { reportingGaps: { missions: opts.missions } } : {}),
    ...(opts.gazetteers ? { neighbours: (mission: string, pcode: string) => opts.gazetteers!.get(mission)?.neighbours(pcode) ?? [] } : {}),
  })
  const fed = feed(engine, opts.reports)
  engine.advance(opts.until ?? fed.last ?? 0)
  engine.sweep()
  const alerts = engine.alerts.all()
  return {
    alerts,
    inputs: new Map(alerts.map((a) => [a.id, engine.alerts.inputIds(a.id)])),
    changes: opts.snapshots ? engine.alerts.changes().map((c) => ({ ...changeRecord(c), alert: c.alert })) : engine.alerts.changeRecords(),
    replayed: fed.replayed,
    rejected: fed.rejected,
    matched: engine.inputs.upserts,
  }
}
