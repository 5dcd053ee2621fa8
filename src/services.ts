import type { Clock } from './clock.js'
import type { Store } from './storage/store.js'
import type { Taxonomy } from './taxonomy/taxonomy.js'
import type { RuleSet } from './rules/rule-set.js'
import { createReportsRepo } from './storage/reports-repo.js'
import { createAlertsRepo } from './storage/alerts-repo.js'
import { createIndicatorInputsRepo } from './storage/indicator-inputs-repo.js'
import { WriteQueue } from './storage/write-queue.js'
import { createEvaluator } from './evaluate/evaluator.js'
import { createIngest } from './ingest/ingest.js'

export interface ServiceDeps {
  store: Store
  taxonomy: Taxonomy
  missions: readonly string[]
  /** The live rule set, read once per evaluation. */
  rules: { current(): RuleSet }
  clock: Clock
}

/**
 * vigil below HTTP: the single writer, the evaluator and the ingest pipeline on the writer
 * connection, and read repositories on the reader connection. The service, the rule test runner
 * and the backtest all build the same graph, so they evaluate exactly alike.
 */
export function createServices(deps: ServiceDeps) {
  const { store, clock } = deps
  const queue = new WriteQueue(store.writer)
  const evaluator = createEvaluator({
    inputs: createIndicatorInputsRepo(store.writer),
    alerts: createAlertsRepo(store.writer),
    rules: () => deps.rules.current(),
  })
  const ingest = createIngest({
    reports: createReportsRepo(store.writer),
    queue,
    taxonomy: deps.taxonomy,
    missions: deps.missions,
    clock,
    evaluator: () => evaluator,
  })
  return {
    queue,
    evaluator,
    ingest,
    reports: createReportsRepo(store.reader),
    alerts: createAlertsRepo(store.reader),
    /** Expires due alerts now, through the single writer. */
    sweep: () => queue.run(() => evaluator.expire(clock())),
  }
}

export type Services = ReturnType<typeof createServices>
