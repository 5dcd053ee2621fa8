import type { RuleSet } from '../rules/rule-set.js'
import type { IndicatorInputsRepo } from '../storage/indicator-inputs-repo.js'
import type { ReportsRepo } from '../storage/reports-repo.js'
import type { AlertStore } from '../engine/engine-stores.js'
import { alertInput, reportInput, type IndicatorInput } from '../engine/indicator-input.js'
import type { CompiledIndicator } from '../rules/compile-indicator.js'
import { isUnder } from '../taxonomy/taxonomy.js'
import { lineageOf } from '../engine/alert-lineage.js'

export interface ReindexDeps {
  inputs: IndicatorInputsRepo
  reports: ReportsRepo
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
  async function rebuild(ind: CompiledIndicator, now: number): Promise<number> {
    deps.inputs.clear(ind.rule.id)
    const candidates: Iterable<IndicatorInput> = ind.rule.input === 'reports'
      ? mapIter(deps.reports.activeSince(ind.codes, now - ind.lookbackMs), reportInput)
      : deps.alerts.active().map((a) => alertInput(a, () => lineageOf(deps.alerts, a)))
    let n = 0
    for (const input of candidates) {
      if (!input.codes.some((c) => ind.codes.some((t) => isUnder(c, t)))) continue
      if (!(await ind.matches(input.view, now))) continue
      if (input.lineage().includes(ind.rule.id)) continue
      deps.inputs.upsert(input.row(ind))
      n++
    }
    deps.inputs.markBuilt(ind.rule.id, ind.indexSignature, now, n)
    return n
  }

  return async function reindex(set: RuleSet, now: number): Promise<ReindexResult> {
    const result: ReindexResult = { rebuilt: [], dropped: [] }
    for (const ind of set.indicators) {
      if (deps.inputs.signature(ind.rule.id) === ind.indexSignature) continue
      result.rebuilt.push({ indicator: ind.rule.id, inputs: await rebuild(ind, now) })
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

function* mapIter<A, B>(items: Iterable<A>, fn: (a: A) => B): Generator<B> {
  for (const a of items) yield fn(a)
}
