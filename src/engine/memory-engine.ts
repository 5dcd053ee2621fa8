import type { Report } from '../reports/report.js'
import type { RuleSet } from '../rules/rule-set.js'
import { AlertIndex } from './alert-index.js'
import { createAlertWriter } from './alert-writer.js'
import type { SilenceSource } from './engine-stores.js'
import type { CategoryLabel } from '../alerts/alert-sentence.js'
import { createEvaluator } from './evaluator.js'
import type { Neighbours } from './neighbour-fact.js'
import { createGapWatch } from './reporting-gap-watch.js'
import { MemoryReportingHistory } from './reporting-history.js'
import { WindowState } from './window-state.js'

/** A replay has no silences: nobody sets any there. */
const NO_SILENCES: SilenceSource = { active: () => [], due: () => [], end: () => false }

/** One change of a report as the engine sees it: a new report (no `before`), a revision, or a retraction (no `after`). */
export interface ReportChange {
  reportId: string
  before: Report | null
  after: Report | null
}

export interface MemoryEngineOptions {
  /** The taxonomy's labels, so alert sentences read as the service writes them. */
  categoryLabel?: CategoryLabel
  /** Runs the reporting-gap watch (DATA.GAP) as the clock moves, over these missions. */
  reportingGaps?: { missions: readonly string[] }
  /** Bordering admin1 areas (the `neighbourAreasWithEvents` fact); none without. */
  neighbours?: Neighbours
  /** Keeps each change as a compact record, not with a snapshot of the whole alert (alerts.changeRecords()). */
  compactLog?: boolean
}

/**
 * The engine wholly in memory, on a simulated clock: the same evaluator and alert writer as the
 * service, over window state and an alert index that nothing persists. Replays, rule tests,
 * previews and calibration sweeps run here, so a report costs its matching indicators'
 * updates and nothing else.
 */
export function createMemoryEngine(rules: () => RuleSet, opts: MemoryEngineOptions = {}) {
  const alerts = new AlertIndex(opts.compactLog ? { compactLog: true } : {})
  const inputs = new WindowState()
  const writer = createAlertWriter({ alerts, inputs, silences: NO_SILENCES })
  const evaluator = createEvaluator({ alerts, inputs, writer, rules, ...(opts.categoryLabel ? { categoryLabel: opts.categoryLabel } : {}),
    ...(opts.neighbours ? { neighbours: opts.neighbours } : {}) })
  const history = opts.reportingGaps ? new MemoryReportingHistory() : null
  const gaps = history && opts.reportingGaps ? createGapWatch({ history, alerts, writer, rules, missions: opts.reportingGaps.missions }) : null
  let now = -Infinity

  return {
    alerts,
    inputs,
    now: () => now,

    /**
     * Moves the clock to `t`, expiring on the way every alert that falls due before it at its
     * own expiry time, as the service's expiry timer would have (within one sweep interval).
     */
    advance(t: number) {
      for (;;) {
        const expiry = alerts.nextExpiry()
        const due = expiry !== undefined && expiry <= t ? expiry : undefined
        const gap = gaps?.dueBy(t)
        if (due === undefined && gap === undefined) break
        // Whichever is due first, an expiry or a reporting-gap check, runs at its own time.
        const expiring = due !== undefined && (gap === undefined || due <= gap)
        // Never backwards: a clock must not rewind.
        now = Math.max(expiring ? due : gap!, now)
        if (expiring) evaluator.expire(now)
        else gaps!.check(now)
      }
      now = t
    },

    /** Evaluates a report change at the current time: what the service does when it is written. */
    reportChanged(change: ReportChange) {
      if (history) {
        history.changed(change.reportId, change.after)
        gaps!.reportsAt(now)
      }
      return evaluator.reportChanged(change, now)
    },

    /** The expiry sweep at the current time (the service's timer). */
    sweep() {
      return evaluator.expire(now)
    },
  }
}

export type MemoryEngine = ReturnType<typeof createMemoryEngine>
