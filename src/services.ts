import type { Clock } from './clock.js'
import type { Store } from './storage/store.js'
import type { Taxonomy } from './taxonomy/taxonomy.js'
import type { RuleSet } from './rules/rule-set.js'
import { placeIn } from './reports/report-place.js'
import type { GazetteerSet } from './gazetteer/gazetteer-types.js'
import { lookUpArea } from './gazetteer/area-lookup.js'

const NO_GAZETTEERS: GazetteerSet = { version: 'none', get: () => undefined, missions: () => [] }
import { createReportsRepo } from './storage/reports-repo.js'
import { createAlertsRepo } from './storage/alerts-repo.js'
import { createIndicatorInputsRepo } from './storage/indicator-inputs-repo.js'
import { WriteQueue } from './storage/write-queue.js'
import { CommitSignal } from './commit-signal.js'
import { createEvaluator } from './evaluate/evaluator.js'
import { createReindexer } from './evaluate/indicator-reindex.js'
import { createAlertWriter } from './evaluate/alert-writer.js'
import { createAlertLifecycle } from './evaluate/alert-lifecycle.js'
import { createSilencesRepo } from './storage/silences-repo.js'
import { createKeysRepo } from './storage/keys-repo.js'
import { createLiveKeys } from './storage/live-keys.js'
import { createAuditRepo } from './storage/audit-repo.js'
import { createKeyAdmin } from './auth/key-admin.js'
import { createIngest } from './ingest/ingest.js'

export interface ServiceDeps {
  store: Store
  taxonomy: Taxonomy
  missions: readonly string[]
  /** The live rule set, read once per evaluation. */
  rules: { current(): RuleSet }
  clock: Clock
  /** Told how long each evaluation took, in seconds (metrics). */
  onEvaluated?: (seconds: number) => void
  /** The live gazetteers: reports are placed, and area names resolved, with their mission's. */
  gazetteers?: () => GazetteerSet
}

/**
 * vigil below HTTP: the single writer, the evaluator and the ingest pipeline on the writer
 * connection, and read repositories on the reader connection. The service, the rule test runner
 * and the backtest all build the same graph, so they evaluate exactly alike.
 */
export function createServices(deps: ServiceDeps) {
  const { store, clock } = deps
  const gazetteers = deps.gazetteers ?? (() => NO_GAZETTEERS)
  const resolveArea = (missions: readonly string[], name: string) => {
    const found = lookUpArea(gazetteers(), missions, name)
    return 'key' in found ? { key: found.key } : found
  }
  const signal = new CommitSignal()
  const inputs = createIndicatorInputsRepo(store.writer)
  // The input index keeps a write-through copy in memory, which must follow rollbacks.
  const queue = new WriteQueue(store.writer, { onCommit: () => signal.notify(), journal: inputs.journal })
  const rules = () => deps.rules.current()
  const repos = {
    inputs,
    alerts: createAlertsRepo(store.writer),
    silences: createSilencesRepo(store.writer),
  }
  const writer = createAlertWriter(repos)
  const keysReader = createKeysRepo(store.reader)
  const reindex = createReindexer({ inputs: repos.inputs, alerts: repos.alerts, reports: createReportsRepo(store.writer) })
  const evaluator = createEvaluator({ ...repos, writer, rules })
  const lifecycle = createAlertLifecycle({ ...repos, writer, rules })
  const ingest = createIngest({
    reports: createReportsRepo(store.writer),
    queue,
    taxonomy: deps.taxonomy,
    missions: deps.missions,
    clock,
    evaluator: () => evaluator,
    ...(deps.onEvaluated ? { onEvaluated: deps.onEvaluated } : {}),
    place: (mission, location) => placeIn(gazetteers().get(mission), location),
  })
  return {
    queue,
    signal,
    evaluator,
    lifecycle,
    ingest,
    reports: createReportsRepo(store.reader),
    alerts: createAlertsRepo(store.reader),
    silences: createSilencesRepo(store.reader),
    keys: keysReader,
    /** The live keys in memory, for the access check of every request. */
    liveKeys: createLiveKeys(keysReader, signal),
    audit: createAuditRepo(store.writer),
    auditReader: createAuditRepo(store.reader),
    keyAdmin: createKeyAdmin({ keys: createKeysRepo(store.writer), audit: createAuditRepo(store.writer), missions: deps.missions, resolveArea }),
    /** The live gazetteers (for area names in filters and silences). */
    gazetteers,
    /**
     * Loads every live indicator's look-back in every mission into memory (run in a write job at
     * start-up), so the first report after a restart is evaluated as fast as the next.
     */
    warmInputs(set: RuleSet, now: number) {
      for (const ind of set.indicators) for (const m of deps.missions) inputs.warm(ind.rule.id, m, now - ind.lookbackMs)
      return inputs.memory()
    },
    /** What the indicator input index holds in memory. */
    inputsInMemory: () => inputs.memory(),
    /** Rebuilds the input index of new or changed indicators; run in a write job. */
    reindex,
    /** Expires due alerts now, through the single writer. */
    sweep: () => queue.run(() => evaluator.expire(clock())),
  }
}

export type Services = ReturnType<typeof createServices>
