import type { RuleSet } from '../rules/rule-set.js'
import type { IndicatorInputsRepo } from '../storage/indicator-inputs-repo.js'
import type { LookBackReports } from '../storage/look-back-reports.js'
import type { AlertStore } from '../engine/engine-stores.js'
import { alertInput, reportInput, type IndicatorInput } from '../engine/indicator-input.js'
import type { CompiledIndicator } from '../rules/compile-indicator.js'
import { isUnder } from '../taxonomy/taxonomy.js'
import { lineageOf } from '../engine/alert-lineage.js'

/** How long a rebuild works before letting the event loop turn (requests, timers). */
const YIELD_EVERY_MS = 20

export interface ReindexDeps {
  inputs: IndicatorInputsRepo
  reports: Pick<LookBackReports, 'since'>
  alerts: Pick<AlertStore, 'active' | 'get' | 'inputIds'>
}

export interface ReindexResult {
  rebuilt: { indicator: string; inputs: number }[]
  dropped: string[]
}

/**
 * Keeps every indicator's input index true to its definition. An indicator that is new, or
 * whose taxonomy, match or stored fields changed, has its index rebuilt from the stored reports
 * (or active alerts) within its look-back, so a rolled-out change counts the recent past at once
 * instead of starting from nothing; an indicator gone from the set has its index dropped.
 * Runs in the caller's write transaction, so the set and its indexes change together.
 */
export function createReindexer(deps: ReindexDeps) {
  /** Offers an input to an indicator being rebuilt; true when it was indexed. */
  async function offer(ind: CompiledIndicator, input: IndicatorInput, now: number): Promise<boolean> {
    if (!input.codes.some((c) => ind.codes.some((t) => isUnder(c, t)))) return false
    if (!(await ind.matches(input.view, now))) return false
    if (input.lineage().includes(ind.rule.id)) return false
    deps.inputs.upsert(input.row(ind))
    return true
  }

  /**
   * Rebuilds the indexes of report indicators in one pass over the reports of the longest
   * look-back among them, each report read and parsed once and offered to every indicator whose
   * look-back holds it (an upgrade that changes every indicator once read the history per
   * indicator, a full scan per page).
   */
  async function rebuildFromReports(inds: readonly CompiledIndicator[], now: number): Promise<Map<string, number>> {
    const counts = new Map(inds.map((i) => [i.rule.id, 0]))
    if (inds.length === 0) return counts
    for (const ind of inds) deps.inputs.clear(ind.rule.id)
    const from = Math.min(...inds.map((i) => now - i.lookbackMs))
    let turn = performance.now()
    for (const report of deps.reports.since(from)) {
      // The job holds the write queue (the indexes change together), not the event loop: a
      // rebuild over a long history takes tens of seconds, and /healthz must answer meanwhile.
      if (performance.now() - turn > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        turn = performance.now()
      }
      const t = Date.parse(report.occurredAt)
      let input: IndicatorInput | undefined
      for (const ind of inds) {
        if (t <= now - ind.lookbackMs) continue
        input ??= reportInput(report)
        if (await offer(ind, input, now)) counts.set(ind.rule.id, counts.get(ind.rule.id)! + 1)
      }
    }
    return counts
  }

  async function rebuildFromAlerts(ind: CompiledIndicator, now: number): Promise<number> {
    deps.inputs.clear(ind.rule.id)
    let n = 0
    for (const a of deps.alerts.active()) {
      if (await offer(ind, alertInput(a, () => lineageOf(deps.alerts, a)), now)) n++
    }
    return n
  }

  return async function reindex(set: RuleSet, now: number): Promise<ReindexResult> {
    const result: ReindexResult = { rebuilt: [], dropped: [] }
    const stale = set.indicators.filter((ind) => deps.inputs.signature(ind.rule.id) !== ind.indexSignature)
    const fromReports = await rebuildFromReports(stale.filter((ind) => ind.rule.input === 'reports'), now)
    for (const ind of stale) {
      const n = fromReports.get(ind.rule.id) ?? await rebuildFromAlerts(ind, now)
      deps.inputs.markBuilt(ind.rule.id, ind.indexSignature, now, n)
      result.rebuilt.push({ indicator: ind.rule.id, inputs: n })
    }
    for (const id of deps.inputs.indexed()) {
      if (!set.byId(id)) {
        deps.inputs.forget(id)
        result.dropped.push(id)
      }
    }
    return result
  }
}
