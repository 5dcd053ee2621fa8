import { dataVersionOf, type Db } from './db.js'
import { WindowState, seriesRow } from '../engine/window-state.js'
import type { IndicatorInputRow } from '../engine/window-types.js'
import type { InputArea } from '../engine/series-aggregate.js'
import type { AggregateQuery, AggregateResult } from '../engine/window-types.js'
import type { WriteJournal } from './write-queue.js'
import { createSeriesLoader } from './window-rows.js'

export type { IndicatorInputRow }

type ScopeQuery = import('../engine/window-state.js').ScopeQuery

/**
 * The per-indicator input index and its aggregates. Writes run inside the caller's transaction
 * and go to SQLite and, for an (indicator, mission) series already in memory, to the series
 * too; aggregates are computed from the series, loaded from SQLite on first use. The write
 * queue tells `journal` about rollbacks; a commit by another connection (a CLI on the same
 * file) is noticed through PRAGMA data_version and empties the memory.
 */
export function createIndicatorInputsRepo(db: Db) {
  const upsertStmt = db.prepare(`INSERT OR REPLACE INTO indicator_inputs
    (indicator_id, input_id, mission, category, top_category, occurred_at, lat, lon, admin1, admin2, admin1_pcode, admin2_pcode, route, site,
     source, reliability, credibility, assessed, active, un_killed, un_injured, un_abducted, civilians_killed, vals)
    VALUES (@indicatorId, @inputId, @mission, @category, @topCategory, @occurredAt, @lat, @lon, @admin1, @admin2, @admin1Pcode, @admin2Pcode, @route, @site,
     @source, @reliability, @credibility, @assessed, 1, @unKilled, @unInjured, @unAbducted, @civiliansKilled, @vals)`)
  const removeStmt = db.prepare('DELETE FROM indicator_inputs WHERE input_id = ?')
  const clearStmt = db.prepare('DELETE FROM indicator_inputs WHERE indicator_id = ?')
  const signatureStmt = db.prepare('SELECT signature FROM indicator_index WHERE indicator_id = ?').pluck()
  const setSignatureStmt = db.prepare('INSERT OR REPLACE INTO indicator_index (indicator_id, signature, built_at, inputs) VALUES (?, ?, ?, ?)')
  const indexedStmt = db.prepare('SELECT indicator_id FROM indicator_index').pluck()
  const forgetStmt = db.prepare('DELETE FROM indicator_index WHERE indicator_id = ?')
  const deactivateStmt = db.prepare('UPDATE indicator_inputs SET active = 0 WHERE input_id = ?')
  const readDataVersion = dataVersionOf(db)
  let dataVersion = readDataVersion()
  /** The window state: a write-through copy of what this table keeps, loaded per series on first use. */
  const memory = new WindowState(createSeriesLoader(db))
  /** The memory's version when the current job began: a rollback after a change empties it. */
  let begun = memory.version
  /** Inside a write-queue job, and whether the data version was read in it. */
  let inJob = false
  let versionKnown = false

  /** The window state, emptied first when another connection committed (a CLI on the same file). */
  function state(): WindowState {
    if (versionKnown) return memory
    const version = readDataVersion()
    if (version !== dataVersion) {
      memory.clear()
      dataVersion = version
    }
    // Inside a write-queue job the write lock is held: no other connection can commit until it ends.
    versionKnown = inJob
    return memory
  }

  return {
    upsert(row: IndicatorInputRow) {
      const vals = row.vals ? JSON.stringify(row.vals) : null
      upsertStmt.run({ ...row, assessed: row.assessed ? 1 : 0, vals })
      state().put(seriesRow(row, vals === null ? null : JSON.parse(vals) as Record<string, unknown>))
    },

    /** Forgets an input everywhere (a retracted or revised report, a withdrawn alert). */
    remove(inputId: string) {
      removeStmt.run(inputId)
      state().remove(inputId)
    },

    /** The definition signature an indicator's index was built with, or null. */
    signature(indicatorId: string): string | null {
      return (signatureStmt.get(indicatorId) as string | undefined) ?? null
    },

    /** Empties an indicator's index, ready to rebuild it. */
    clear(indicatorId: string) {
      clearStmt.run(indicatorId)
      memory.forget(indicatorId)
    },

    markBuilt(indicatorId: string, signature: string, now: number, inputs: number) {
      setSignatureStmt.run(indicatorId, signature, now, inputs)
    },

    /** Indicators that have an index, live or not. */
    indexed(): string[] {
      return indexedStmt.all() as string[]
    },

    /** Drops an indicator's index and its record (the indicator left the rule set). */
    forget(indicatorId: string) {
      clearStmt.run(indicatorId)
      forgetStmt.run(indicatorId)
      memory.forget(indicatorId)
    },

    /** Keeps an input for history but stops it counting (an alert that expired or was resolved). */
    deactivate(inputId: string) {
      deactivateStmt.run(inputId)
      state().deactivate(inputId)
    },

    /** Loads an indicator's inputs in a mission after `from` into memory, ahead of its first evaluation. */
    warm(indicatorId: string, mission: string, from: number) {
      state().warm(indicatorId, mission, from)
    },

    /** What is held in memory: (indicator, mission) series and their rows (the metrics show it). */
    memory: () => memory.memory(),

    /** Keeps memory in step with the write queue's savepoints: a rolled-back write is forgotten. */
    journal: {
      begin() {
        begun = memory.version
        inJob = true
        versionKnown = false
      },
      end() {
        inJob = false
        versionKnown = false
      },
      rollback() {
        inJob = false
        versionKnown = false
        if (memory.version !== begun) memory.clear()
      },
      reset() {
        inJob = false
        versionKnown = false
        memory.clear()
      },
    } satisfies WriteJournal,

    aggregate(q: AggregateQuery): AggregateResult {
      return state().aggregate(q)
    },

    /** Whether this aggregate counts the input (in scope, in the window, assessed, active). */
    counts(q: ScopeQuery, inputId: string): boolean {
      return state().counts(q, inputId)
    },

    /** The areas the inputs an aggregate over this scope and window counted lie in, most inputs first. */
    areas(q: ScopeQuery): InputArea[] {
      return state().areas(q)
    },

    /** The ids of the inputs an aggregate over this scope and window counted. */
    inputIds(q: ScopeQuery): string[] {
      return state().inputIds(q)
    },
  }
}

export type IndicatorInputsRepo = ReturnType<typeof createIndicatorInputsRepo>
