import type { Report } from '../reports/report.js'
import type { RuleSet } from '../rules/rule-set.js'
import { AlertIndex } from './alert-index.js'
import { createAlertWriter } from './alert-writer.js'
import type { SilenceSource } from './engine-stores.js'
import { createEvaluator } from './evaluator.js'
import { WindowState } from './window-state.js'

/** A replay has no silences: nobody sets any there. */
const NO_SILENCES: SilenceSource = { active: () => [], due: () => [], end: () => false }

/** One change of a report as the engine sees it: a new report (no `before`), a revision, or a retraction (no `after`). */
export interface ReportChange {
  reportId: string
  before: Report | null
  after: Report | null
}

/**
 * The engine wholly in memory, on a simulated clock: the same evaluator and alert writer as the
 * service, over window state and an alert index that nothing persists. Replays, rule tests,
 * previews and calibration sweeps run here, so a report costs its matching indicators'
 * updates and nothing else.
 */
export function createMemoryEngine(rules: () => RuleSet) {
  const alerts = new AlertIndex()
  const inputs = new WindowState()
  const writer = createAlertWriter({ alerts, inputs, silences: NO_SILENCES })
  const evaluator = createEvaluator({ alerts, inputs, writer, rules })
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
      let next: number | undefined
      while ((next = alerts.nextExpiry()) !== undefined && next <= t) {
        // Never backwards: a clock must not rewind.
        now = Math.max(next, now)
        evaluator.expire(now)
      }
      now = t
    },

    /** Evaluates a report change at the current time: what the service does when it is written. */
    reportChanged(change: ReportChange) {
      return evaluator.reportChanged(change, now)
    },

    /** The expiry sweep at the current time (the service's timer). */
    sweep() {
      return evaluator.expire(now)
    },
  }
}

export type MemoryEngine = ReturnType<typeof createMemoryEngine>
