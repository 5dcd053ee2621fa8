import { dataVersionOf, type Db } from './db.js'
import { InputSeries, type SeriesRow } from './input-series.js'
import { aggregateSeries, seriesAreas, seriesCounts, seriesInputIds, type InputArea } from './series-aggregate.js'
import type { WriteJournal } from './write-queue.js'

/** One input as stored for an indicator: the columns the aggregates read. */
export interface IndicatorInputRow {
  indicatorId: string
  inputId: string
  mission: string
  category: string
  topCategory: string
  occurredAt: number
  lat: number | null
  lon: number | null
  admin1: string | null
  admin2: string | null
  admin1Pcode: string | null
  admin2Pcode: string | null
  route: string | null
  site: string | null
  source: string
  reliability: string
  credibility: number
  assessed: boolean
  unKilled: number
  unInjured: number
  unAbducted: number
  civiliansKilled: number
  vals: Record<string, unknown> | null
}

/** Which inputs count together: mission, equal group fields, optionally a circle. */
export interface AggregateScope {
  mission: string
  eq: Record<string, string>
  circle?: { lat: number; lon: number; km: number }
}

/** An aggregate to compute (mirrors the core's AggregateNeed without importing it). */
export interface AggregateSpec {
  key: string
  kind: 'count' | 'sum' | 'distinct'
  measure?: string
  category?: string
  windowMs: number
  /** Counts the mitigating inputs, which every other aggregate leaves out. */
  mitigating?: boolean
}

export interface AggregateQuery {
  indicatorId: string
  scope: AggregateScope
  anchor: number
  windowMs: number
  trendPeriods: number
  trendMeasures: string[]
  includeUnassessed: boolean
  /** Input categories that mitigate (ARM.AGREEMENT...): counted only by `mitigating` specs. */
  mitigatingCodes?: readonly string[]
  specs: readonly AggregateSpec[]
  /** How far back any of its aggregates reads (the indicator's look-back). */
  lookbackMs: number
}

export interface AggregateResult {
  values: Record<string, number>
  /** The trend measures over the previous windows, as a per-window mean. */
  baselines: Record<string, number>
  firstSeen: number | null
  lastSeen: number | null
  centroid: { lat: number; lon: number } | null
  strongSource: boolean
  mediumSource: boolean
}

/** What selects an indicator's inputs: its scope at a point in time. */
type ScopeQuery = Pick<AggregateQuery, 'indicatorId' | 'scope' | 'anchor' | 'includeUnassessed' | 'mitigatingCodes'>

const SERIES_COLUMNS = `input_id, mission, category, top_category, occurred_at, lat, lon, admin1, admin2, admin1_pcode, admin2_pcode, route, site,
  source, reliability, credibility, assessed, active, un_killed, un_injured, un_abducted, civilians_killed, vals`

type StoredRow = {
  input_id: string; mission: string; category: string; top_category: string; occurred_at: number
  lat: number | null; lon: number | null; admin1: string | null; admin2: string | null
  admin1_pcode: string | null; admin2_pcode: string | null; route: string | null; site: string | null
  source: string; reliability: string; credibility: number; assessed: number; active: number
  un_killed: number; un_injured: number; un_abducted: number; civilians_killed: number; vals: string | null
}

function fromStored(indicatorId: string, r: StoredRow): SeriesRow {
  return {
    indicatorId, inputId: r.input_id, mission: r.mission, category: r.category, topCategory: r.top_category,
    occurredAt: r.occurred_at, lat: r.lat, lon: r.lon, admin1: r.admin1, admin2: r.admin2,
    admin1Pcode: r.admin1_pcode, admin2Pcode: r.admin2_pcode, route: r.route, site: r.site,
    source: r.source, reliability: r.reliability, credibility: r.credibility, assessed: r.assessed === 1,
    unKilled: r.un_killed, unInjured: r.un_injured, unAbducted: r.un_abducted, civiliansKilled: r.civilians_killed,
    vals: r.vals === null ? null : JSON.parse(r.vals) as Record<string, unknown>, active: r.active === 1,
  }
}

/** The same shape as fromStored (one hidden class for every row the aggregates scan). */
function fromWritten(r: IndicatorInputRow, vals: string | null): SeriesRow {
  return {
    indicatorId: r.indicatorId, inputId: r.inputId, mission: r.mission, category: r.category, topCategory: r.topCategory,
    occurredAt: r.occurredAt, lat: r.lat, lon: r.lon, admin1: r.admin1, admin2: r.admin2,
    admin1Pcode: r.admin1Pcode, admin2Pcode: r.admin2Pcode, route: r.route, site: r.site,
    source: r.source, reliability: r.reliability, credibility: r.credibility, assessed: r.assessed,
    unKilled: r.unKilled, unInjured: r.unInjured, unAbducted: r.unAbducted, civiliansKilled: r.civiliansKilled,
    vals: vals === null ? null : JSON.parse(vals) as Record<string, unknown>, active: true,
  }
}

/** A series lets go of rows once they are this many look-backs behind (a reassessment reads at an older anchor). */
const TRIM_AFTER_LOOKBACKS = 2

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
  const loadStmt = db.prepare(`SELECT ${SERIES_COLUMNS} FROM indicator_inputs
    WHERE indicator_id = ? AND mission = ? AND occurred_at > ? ORDER BY occurred_at, input_id`)
  const readDataVersion = dataVersionOf(db)
  /** indicator -> mission -> its inputs in memory. */
  const series = new Map<string, Map<string, InputSeries>>()
  let dataVersion = readDataVersion()
  /** Whether memory changed (or loaded what this job wrote) since the job began. */
  let changed = false

  /**
   * The series for an indicator in a mission, holding every input after `from`. Given the
   * indicator's whole look-back, rows far behind it are let go.
   */
  function seriesFor(indicatorId: string, mission: string, from: number, lookbackMs?: number): InputSeries {
    const version = readDataVersion()
    if (version !== dataVersion) {
      series.clear()
      dataVersion = version
    }
    let missions = series.get(indicatorId)
    if (!missions) series.set(indicatorId, missions = new Map())
    let s = missions.get(mission)
    if (!s || s.from > from) {
      const rows = (loadStmt.all(indicatorId, mission, from) as StoredRow[]).map((r) => fromStored(indicatorId, r))
      s = new InputSeries(from, rows)
      missions.set(mission, s)
      changed = true
    } else if (lookbackMs !== undefined && from - s.from > TRIM_AFTER_LOOKBACKS * lookbackMs) {
      s.trim(from - lookbackMs)
    }
    return s
  }

  /** Every series in memory. */
  function* everySeries() {
    for (const missions of series.values()) yield* missions.values()
  }

  return {
    upsert(row: IndicatorInputRow) {
      const vals = row.vals ? JSON.stringify(row.vals) : null
      upsertStmt.run({ ...row, assessed: row.assessed ? 1 : 0, vals })
      const missions = series.get(row.indicatorId)
      if (!missions) return
      changed = true
      // The row replaces this input's earlier row for the indicator, in whichever mission it was.
      for (const s of missions.values()) s.remove(row.inputId)
      missions.get(row.mission)?.put(fromWritten(row, vals))
    },

    /** Forgets an input everywhere (a retracted or revised report, a withdrawn alert). */
    remove(inputId: string) {
      removeStmt.run(inputId)
      for (const s of everySeries()) {
        if (s.get(inputId)) {
          s.remove(inputId)
          changed = true
        }
      }
    },

    /** The definition signature an indicator's index was built with, or null. */
    signature(indicatorId: string): string | null {
      return (signatureStmt.get(indicatorId) as string | undefined) ?? null
    },

    /** Empties an indicator's index, ready to rebuild it. */
    clear(indicatorId: string) {
      clearStmt.run(indicatorId)
      series.delete(indicatorId)
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
      series.delete(indicatorId)
    },

    /** Keeps an input for history but stops it counting (an alert that expired or was resolved). */
    deactivate(inputId: string) {
      deactivateStmt.run(inputId)
      for (const s of everySeries()) if (s.deactivate(inputId)) changed = true
    },

    /** Loads an indicator's inputs in a mission after `from` into memory, ahead of its first evaluation. */
    warm(indicatorId: string, mission: string, from: number) {
      seriesFor(indicatorId, mission, from)
    },

    /** What is held in memory: (indicator, mission) series and their rows (the metrics show it). */
    memory(): { series: number; rows: number } {
      let n = 0
      let rows = 0
      for (const s of everySeries()) { n++; rows += s.all.rows.length }
      return { series: n, rows }
    },

    /** Keeps memory in step with the write queue's savepoints: a rolled-back write is forgotten. */
    journal: {
      begin() { changed = false },
      rollback() { if (changed) series.clear() },
      reset() { series.clear() },
    } satisfies WriteJournal,

    aggregate(q: AggregateQuery): AggregateResult {
      return aggregateSeries(seriesFor(q.indicatorId, q.scope.mission, q.anchor - q.lookbackMs, q.lookbackMs), q)
    },

    /** Whether this aggregate counts the input (in scope, in the window, assessed, active). */
    counts(q: ScopeQuery & { windowMs: number }, inputId: string): boolean {
      return seriesCounts(seriesFor(q.indicatorId, q.scope.mission, q.anchor - q.windowMs), q, inputId)
    },

    /** The areas the inputs an aggregate over this scope and window counted lie in, most inputs first. */
    areas(q: ScopeQuery & { windowMs: number }): InputArea[] {
      return seriesAreas(seriesFor(q.indicatorId, q.scope.mission, q.anchor - q.windowMs), q)
    },

    /** The ids of the inputs an aggregate over this scope and window counted. */
    inputIds(q: ScopeQuery & { windowMs: number }): string[] {
      return seriesInputIds(seriesFor(q.indicatorId, q.scope.mission, q.anchor - q.windowMs), q)
    },
  }
}

export type IndicatorInputsRepo = ReturnType<typeof createIndicatorInputsRepo>
