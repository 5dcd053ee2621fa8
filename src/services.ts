import type { Clock } from './clock.js'
import type { Store } from './storage/store.js'
import { labelOf, type Taxonomy } from './taxonomy/taxonomy.js'
import type { RuleSet } from './rules/rule-set.js'
import { placeIn } from './reports/report-place.js'
import type { GazetteerSet } from './gazetteer/gazetteer-types.js'
import { lookUpArea } from './gazetteer/area-lookup.js'

const NO_GAZETTEERS: GazetteerSet = { version: 'none', get: () => undefined, missions: () => [] }
import { createReportsRepo } from './storage/reports-repo.js'
import { createAlertsRepo } from './storage/alerts-repo.js'
import { readFeedSecret } from './storage/feed-secret.js'
import { createIndicatorInputsRepo } from './storage/indicator-inputs-repo.js'
import { createLookBackReports } from './storage/look-back-reports.js'
import { WriteQueue, type WriteJournal } from './storage/write-queue.js'
import { walSync } from './storage/wal-sync.js'
import { createLoggedAlerts } from './storage/logged-alerts.js'
import { CommitSignal } from './commit-signal.js'
import { createEvaluator } from './engine/evaluator.js'
import { createReindexer } from './evaluate/indicator-reindex.js'
import { createAlertWriter } from './engine/alert-writer.js'
import { createAlertLifecycle } from './evaluate/alert-lifecycle.js'
import { createSilencesRepo } from './storage/silences-repo.js'
import { createKeysRepo } from './storage/keys-repo.js'
import { createLiveKeys } from './storage/live-keys.js'
import { createAuditRepo } from './storage/audit-repo.js'
import { createKeyAdmin } from './auth/key-admin.js'
import { createIngest } from './ingest/ingest.js'
import { createAlertActionsRepo } from './storage/alert-actions-repo.js'
import { createFollowUpLifecycle } from './evaluate/alert-follow-up-lifecycle.js'
import { createPerformanceRepo } from './storage/performance-repo.js'
import { createNotificationsRepo } from './storage/notifications-repo.js'
import { createOutboxRecorder } from './notify/outbox-recorder.js'
import { createBriefsRepo } from './storage/briefs-repo.js'
import type { Routing } from './notify/routing-tree.js'
import { createReportingHistoryRepo } from './storage/reporting-history-repo.js'
import { createGapWatch } from './engine/reporting-gap-watch.js'
import type { AlertChange } from './engine/alert-change.js'

/** Alerts flagged overdue per write job by the live timer. */
const OVERDUE_CHUNK = 200

export interface ServiceDeps {
  store: Store
  taxonomy: Taxonomy
  missions: readonly string[]
  /** The live rule set, read once per evaluation. */
  rules: { current(): RuleSet }
  clock: Clock
  /** Told how long each evaluation took, in seconds (metrics). */
  onEvaluated?: (seconds: number) => void
  /** Told of each committed write transaction and how many jobs it held (metrics). */
  onCommit?: (jobs: number) => void
  /** The live gazetteers: reports are placed, and area names resolved, with their mission's. */
  gazetteers?: () => GazetteerSet
  /** The live notification routing: alert changes go to its outbox. None: nothing is routed (tests, replays). */
  routing?: { current(): Routing }
  /** 'background': commits are synced on the thread pool, not inside COMMIT (config.commitSync). */
  commitSync?: 'inline' | 'background'
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
  const alertsLog = createAlertsRepo(store.writer)
  // The engine's active alerts in memory, SQLite the log of what it decides.
  const engineAlerts = createLoggedAlerts(store.writer, alertsLog)
  // The input index and the alert index keep write-through copies in memory, which must follow rollbacks.
  const journal: WriteJournal = {
    begin() { inputs.journal.begin(); engineAlerts.journal.begin() },
    end() { inputs.journal.end(); engineAlerts.journal.end() },
    rollback() { inputs.journal.rollback(); engineAlerts.journal.rollback() },
    reset() { inputs.journal.reset(); engineAlerts.journal.reset() },
  }
  const queue = new WriteQueue(store.writer, {
    onCommit: (jobs) => { signal.notify(); deps.onCommit?.(jobs) },
    journal,
    // A database in memory has no file to sync.
    ...(deps.commitSync === 'background' && store.file !== ':memory:' ? { commitSync: walSync(store.writer) } : {}),
  })
  const rules = () => deps.rules.current()
  const repos = {
    inputs,
    alerts: engineAlerts,
    silences: createSilencesRepo(store.writer),
  }
  const notifications = createNotificationsRepo(store.writer)
  const routing = deps.routing
  const writer = createAlertWriter({ ...repos, ...(routing ? { outbox: createOutboxRecorder(notifications, () => routing.current()) } : {}) })
  const keysReader = createKeysRepo(store.reader)
  const reindex = createReindexer({ inputs: repos.inputs, alerts: repos.alerts, reports: createLookBackReports(store.writer) })
  const categoryLabel = labelOf(deps.taxonomy)
  const evaluator = createEvaluator({ ...repos, writer, rules, categoryLabel, neighbours: (mission, pcode) => gazetteers().get(mission)?.neighbours(pcode) ?? [] })
  const lifecycle = createAlertLifecycle({ ...repos, writer, rules })
  const gaps = createGapWatch({ history: createReportingHistoryRepo(store.writer), alerts: repos.alerts, writer, rules, missions: deps.missions })
  const followUp = createFollowUpLifecycle({ alerts: repos.alerts, actions: createAlertActionsRepo(store.writer), writer, rules })
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
  const sweep = () => queue.run(() => evaluator.expire(clock()))
  /**
   * Flags alerts past their response deadlines now, through the single writer (the live timer,
   * after sweep): a write job per OVERDUE_CHUNK alerts, so requests queued meanwhile run between
   * them (36,500 alerts falling due together once held /healthz silent for over a minute).
   */
  async function markOverdue(): Promise<AlertChange[]> {
    const now = clock()
    const flagged: AlertChange[] = []
    for (;;) {
      const round = await queue.run(() => followUp.markOverdue(now, OVERDUE_CHUNK))
      flagged.push(...round.changes)
      if (!round.more) return flagged
    }
  }
  const checkGaps = () => queue.run(() => gaps.check(clock()))
  return {
    queue,
    signal,
    evaluator,
    lifecycle,
    /** Assignment and the action log of alerts (issue 18). */
    followUp,
    alertActions: createAlertActionsRepo(store.reader),
    performance: createPerformanceRepo(store.reader),
    ingest,
    reports: createReportsRepo(store.reader),
    alerts: createAlertsRepo(store.reader),
    silences: createSilencesRepo(store.reader),
    keys: keysReader,
    /** The notification outbox and log on the writer connection (write jobs only). */
    notifications,
    /** Alerts as the writer sees them (write jobs only): for the notifier's messages. */
    writerAlerts: alertsLog,
    /** Scheduled briefs: made in write jobs, read from the reader. */
    briefs: createBriefsRepo(store.writer),
    briefLog: createBriefsRepo(store.reader),
    /** The notification log on the reader connection. */
    notificationLog: createNotificationsRepo(store.reader),
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
    warmInputs(set: Pick<RuleSet, 'indicators'>, now: number) {
      for (const ind of set.indicators) for (const m of deps.missions) inputs.warm(ind.rule.id, m, now - ind.lookbackMs)
      return inputs.memory()
    },
    /** Loads the active alerts and their links into the engine's alert index (run in a write job at start-up). */
    warmAlerts: () => engineAlerts.load(),
    /** What the engine's alert index holds. */
    alertsInMemory: () => engineAlerts.held(),
    /** The key that seals scoped clients' feed cursors, made with the database (migration 008). */
    feedSecret: () => readFeedSecret(store.reader),
    /** What the indicator input index holds in memory. */
    inputsInMemory: () => inputs.memory(),
    /** Rebuilds the input index of new or changed indicators; run in a write job. */
    reindex,
    /** Expires due alerts now, through the single writer. */
    sweep,
    /**
     * The earliest expiry at or before `t` of an active alert, as the engine's index holds it (a
     * write job's own alert rows reach SQLite only at its end): where a simulated clock stops next.
     */
    nextExpiry: (t: number): number | undefined => engineAlerts.dueForExpiry(t)[0]?.expiresAt,
    markOverdue,
    /** The reporting-gap watch (DATA.GAP); write jobs only. A replay drives it with its clock. */
    gaps,
    /** Raises and ends reporting-gap alerts now, through the single writer (the live timer, after markOverdue). */
    checkGaps,
    /** One round of the live timer: expiries, then response deadlines, then the reporting-gap watch. */
    async timerRound(): Promise<void> {
      await sweep()
      await markOverdue()
      await checkGaps()
    },
  }
}

export type Services = ReturnType<typeof createServices>
