import type { AlertState, ChangeKind } from '../alerts/alert.js'
import { AlertIndex } from '../engine/alert-index.js'
import type { AlertChange } from '../engine/alert-change.js'
import type { AlertStore } from '../engine/engine-stores.js'
import type { AlertsRepo } from './alerts-repo.js'
import { dataVersionOf, type Db } from './db.js'
import type { WriteJournal } from './write-queue.js'

/**
 * The engine's alerts in the service: the active ones in memory (an AlertIndex: by identity, by
 * place, by family, their links, due-for-expiry order), SQLite the log of every write. What the
 * engine asks while evaluating is answered from memory; every write goes to both, in the write's
 * transaction. Loaded at start-up; reloaded after a rolled-back write that changed it, and when
 * another connection committed (a CLI on the same file).
 */
export function createLoggedAlerts(db: Db, repo: AlertsRepo) {
  const activeStmt = db.prepare("SELECT * FROM alerts WHERE status IN ('open', 'acknowledged') ORDER BY id")
  const linksStmt = db.prepare(`SELECT i.alert_id AS alertId, i.input_id AS inputId FROM alert_inputs i
    JOIN alerts a ON a.id = i.alert_id WHERE a.status IN ('open', 'acknowledged') ORDER BY i.alert_id, i.input_id`)
  const readDataVersion = dataVersionOf(db)
  let index = new AlertIndex({ keepInactive: false, keepLog: false })
  let loaded = false
  let dataVersion = readDataVersion()
  /** Whether memory changed since the current job began (a rollback then reloads it). */
  let changed = false
  /** Inside a write-queue job: alert rows are held until it ends. */
  let holding = false
  /** The data version was read in this job (no other connection can commit during it). */
  let versionKnown = false
  /** Alert rows held back: id -> the alert as last updated. */
  const heldRows = new Map<number, AlertState>()
  /** Seqs held back: id -> the seq of the alert's latest change, for its row. */
  const heldSeqs = new Map<number, number>()
  /** identity -> the held alert last updated under it (an insert under it writes that row first). */
  const heldIdentities = new Map<string, number>()

  /** Writes one held row now. */
  function writeHeld(id: number) {
    const alert = heldRows.get(id)
    if (!alert) return
    repo.update(alert, heldSeqs.get(id) ?? alert.seq)
    heldRows.delete(id)
    heldSeqs.delete(id)
  }

  /** Writes the held rows (each once, with its latest seq). */
  function flush() {
    if (heldRows.size === 0 && heldSeqs.size === 0) return
    for (const [id, alert] of heldRows) repo.update(alert, heldSeqs.get(id) ?? alert.seq)
    for (const [id, seq] of heldSeqs) if (!heldRows.has(id)) repo.setSeq(id, seq)
    heldRows.clear()
    heldSeqs.clear()
    heldIdentities.clear()
  }

  function dropHeld() {
    heldRows.clear()
    heldSeqs.clear()
    heldIdentities.clear()
  }

  /** Reads every active alert and its links from SQLite into a fresh index. */
  function load(): { alerts: number; links: number } {
    flush()
    const fresh = new AlertIndex({ keepInactive: false, keepLog: false })
    // activeStmt returns rows; the repo's get() turns them into alerts (one shape for both paths).
    for (const row of activeStmt.all() as { id: number }[]) fresh.restore(repo.get(row.id)!)
    const byAlert = new Map<number, string[]>()
    for (const l of linksStmt.all() as { alertId: number; inputId: string }[]) {
      let ids = byAlert.get(l.alertId)
      if (!ids) byAlert.set(l.alertId, ids = [])
      ids.push(l.inputId)
    }
    for (const [id, inputs] of byAlert) fresh.link(id, inputs)
    index = fresh
    loaded = true
    dataVersion = readDataVersion()
    return fresh.size()
  }

  /** The index, (re)loaded first when it is not known to match the database. */
  function memory(): AlertIndex {
    if (!loaded || (!versionKnown && readDataVersion() !== dataVersion)) load()
    // Inside a job the write lock is held: no other connection can commit until it ends.
    versionKnown = holding
    return index
  }

  const store: AlertStore & { load: typeof load; flush: typeof flush; journal: Required<WriteJournal>; held(): { alerts: number; links: number } } = {
    get: (id) => memory().get(id) ?? (flush(), repo.get(id)),
    active: () => memory().active(),
    activeByIdentity: (identity) => memory().activeByIdentity(identity),
    activeNear: (indicatorId, mission, prefix, lat, lon, km) => memory().activeNear(indicatorId, mission, prefix, lat, lon, km),
    activeAbove: (mission, top, minRank) => memory().activeAbove(mission, top, minRank),
    activeFamily: (mission, top) => memory().activeFamily(mission, top),
    dueForExpiry: (now) => memory().dueForExpiry(now),
    // The timer's look-up, on SQLite's deadline indexes: nothing the engine asks per report.
    dueForOverdue: (now) => (flush(), repo.dueForOverdue(now)),
    // Links are written at once: nothing held can make this read stale.
    inputIds: (alertId) => repo.inputIds(alertId),

    insert(alert: Omit<AlertState, 'id'>): number {
      const m = memory()
      // An alert ended in this job and raised again under its identity: the ended row must say so
      // before the new one goes in (one active alert per identity is a unique index).
      const ended = heldIdentities.get(alert.identity)
      if (ended !== undefined) {
        writeHeld(ended)
        heldIdentities.delete(alert.identity)
      }
      const id = repo.insert(alert)
      m.restore({ ...alert, id } as AlertState)
      changed = true
      return id
    },

    update(alert: AlertState) {
      const m = memory()
      if (holding) {
        heldRows.set(alert.id, alert)
        heldIdentities.set(alert.identity, alert.id)
        // The row takes this alert's own seq unless a change recorded after it stamps another.
        heldSeqs.delete(alert.id)
      } else {
        repo.update(alert)
      }
      m.update(alert)
      changed = true
    },

    link(alertId: number, inputIds: readonly string[]) {
      const m = memory()
      repo.link(alertId, inputIds)
      if (m.get(alertId)) m.link(alertId, inputIds)
      changed = true
    },

    unlink(inputId: string): AlertState[] {
      const supported = memory().unlink(inputId)
      repo.forgetLinks(inputId)
      changed = true
      return supported
    },

    recordChange(alert: AlertState, kind: ChangeKind, at: number, actor: string | null, cause: string, inputIds: readonly string[]): AlertChange {
      const change = repo.recordChange(alert, kind, at, actor, cause, inputIds, !holding)
      if (holding) heldSeqs.set(alert.id, change.seq)
      memory().stamp(alert.id, change.seq)
      changed = true
      return change
    },

    load,
    held: () => index.size(),

    /** Keeps memory in step with the write queue's savepoints: a rolled-back write reloads it. */
    journal: {
      begin() {
        changed = false
        holding = true
        versionKnown = false
      },
      end() {
        holding = false
        versionKnown = false
        flush()
      },
      rollback() {
        holding = false
        versionKnown = false
        dropHeld()
        if (changed) loaded = false
      },
      reset() {
        holding = false
        versionKnown = false
        dropHeld()
        loaded = false
      },
    },
    /** Writes the alert rows held back in the current job now. */
    flush,
  }
  return store
}

export type LoggedAlerts = ReturnType<typeof createLoggedAlerts>
