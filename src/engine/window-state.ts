import { InputSeries } from './input-series.js'
import { aggregateSeries, seriesAreas, seriesCounts, seriesInputIds, type InputArea } from './series-aggregate.js'
import type { AggregateQuery, AggregateResult, IndicatorInputRow, SeriesRow } from './window-types.js'

/** What selects an indicator's inputs: its scope at a point in time. */
export type ScopeQuery = Pick<AggregateQuery, 'indicatorId' | 'scope' | 'anchor' | 'includeUnassessed' | 'mitigatingCodes'> & { windowMs: number }

/** Reads an (indicator, mission) series after `from` from where it is kept (SQLite), in (occurredAt, inputId) order. */
export type SeriesLoader = (indicatorId: string, mission: string, from: number) => SeriesRow[]

/** A series lets go of rows once they are this many look-backs behind (a reassessment reads at an older anchor). */
const TRIM_AFTER_LOOKBACKS = 2

/**
 * Every indicator's inputs per mission, in memory: the state every windowed aggregate reads.
 *
 * With a loader (the live service), a series is a write-through copy of what storage keeps:
 * loaded on first use, reloaded when asked for further back than it holds, and only series
 * already held take writes. Without one (replays), memory is all there is: a series starts
 * empty when its first input arrives and keeps every row an evaluation can still read (the
 * look-back behind the oldest anchor an active alert can be reassessed at).
 */
export class WindowState {
  /** indicator -> mission -> its inputs. */
  private readonly series = new Map<string, Map<string, InputSeries>>()
  /** Bumped on every change of memory: the write queue's journal compares it. */
  version = 0
  /** Inputs taken for an indicator (a matching indicator's update): the work a replay does, for its figures. */
  upserts = 0

  constructor(private readonly loader?: SeriesLoader) {}

  /**
   * The series of an indicator in a mission holding every input after `from`. Given how far
   * back the indicator reads (`keepMs` behind `from`), rows far behind that are let go.
   */
  private seriesFor(indicatorId: string, mission: string, from: number, keepMs?: number): InputSeries {
    let missions = this.series.get(indicatorId)
    if (!missions) this.series.set(indicatorId, missions = new Map())
    let s = missions.get(mission)
    if (!s || (this.loader && s.from > from)) {
      s = this.loader ? new InputSeries(from, this.loader(indicatorId, mission, from)) : new InputSeries(-Infinity, [])
      missions.set(mission, s)
      this.version++
    } else if (keepMs !== undefined && from - s.from > TRIM_AFTER_LOOKBACKS * keepMs) {
      s.trim(from - keepMs)
    }
    return s
  }

  /** Inserts or replaces an input of an indicator (in whichever mission it was before). */
  put(row: SeriesRow) {
    let missions = this.series.get(row.indicatorId)
    if (!missions) {
      // A stored series is loaded when first read; a memory-only one starts here.
      if (this.loader) return
      this.series.set(row.indicatorId, missions = new Map())
    }
    this.version++
    for (const s of missions.values()) s.remove(row.inputId)
    const s = missions.get(row.mission)
    if (s) s.put(row)
    else if (!this.loader) {
      const fresh = new InputSeries(-Infinity, [])
      fresh.put(row)
      missions.set(row.mission, fresh)
    }
  }

  /** Inserts or replaces an input as the engine hands it over (the memory-only store's write). */
  upsert(row: IndicatorInputRow) {
    this.upserts++
    this.put(seriesRow(row))
  }

  /** Forgets an input for every indicator (a retracted or revised report, a withdrawn alert). */
  remove(inputId: string) {
    for (const s of this.every()) {
      if (s.get(inputId)) {
        s.remove(inputId)
        this.version++
      }
    }
  }

  /** The input stops counting (its alert expired or was resolved) but stays in the history. */
  deactivate(inputId: string) {
    for (const s of this.every()) if (s.deactivate(inputId)) this.version++
  }

  /** Forgets an indicator's series (its index is rebuilt or dropped). */
  forget(indicatorId: string) {
    this.series.delete(indicatorId)
  }

  /** Forgets everything (a rollback, or another process wrote the database). */
  clear() {
    this.series.clear()
    this.version++
  }

  /** Loads an indicator's inputs in a mission after `from` ahead of its first evaluation. */
  warm(indicatorId: string, mission: string, from: number) {
    this.seriesFor(indicatorId, mission, from)
  }

  aggregate(q: AggregateQuery & { keepMs?: number }): AggregateResult {
    const from = q.anchor - q.lookbackMs
    // A stored series can reload what it let go; a memory-only one keeps what reassessments read.
    const keep = this.loader ? q.lookbackMs : q.keepMs ?? q.lookbackMs
    return aggregateSeries(this.seriesFor(q.indicatorId, q.scope.mission, from, keep), q)
  }

  /** Whether the aggregate over this scope and window counts the input (in scope, in the window, assessed, active). */
  counts(q: ScopeQuery, inputId: string): boolean {
    return seriesCounts(this.seriesFor(q.indicatorId, q.scope.mission, q.anchor - q.windowMs), q, inputId)
  }

  /** The areas the inputs an aggregate over this scope and window counted lie in, most inputs first. */
  areas(q: ScopeQuery): InputArea[] {
    return seriesAreas(this.seriesFor(q.indicatorId, q.scope.mission, q.anchor - q.windowMs), q)
  }

  /** The ids of the inputs an aggregate over this scope and window counted. */
  inputIds(q: ScopeQuery): string[] {
    return seriesInputIds(this.seriesFor(q.indicatorId, q.scope.mission, q.anchor - q.windowMs), q)
  }

  /** What is held: (indicator, mission) series and their rows. */
  memory(): { series: number; rows: number } {
    let n = 0
    let rows = 0
    for (const s of this.every()) { n++; rows += s.all.rows.length }
    return { series: n, rows }
  }

  private *every() {
    for (const missions of this.series.values()) yield* missions.values()
  }
}

/** An input row as held in memory, its fields always in one order (one hidden class for every row the aggregates scan). */
export function seriesRow(r: IndicatorInputRow, vals: Record<string, unknown> | null = r.vals): SeriesRow {
  return {
    indicatorId: r.indicatorId, inputId: r.inputId, mission: r.mission, category: r.category, topCategory: r.topCategory,
    occurredAt: r.occurredAt, lat: r.lat, lon: r.lon, admin1: r.admin1, admin2: r.admin2,
    admin1Pcode: r.admin1Pcode, admin2Pcode: r.admin2Pcode, route: r.route, site: r.site,
    source: r.source, reliability: r.reliability, credibility: r.credibility, assessed: r.assessed,
    unKilled: r.unKilled, unInjured: r.unInjured, unAbducted: r.unAbducted, civiliansKilled: r.civiliansKilled,
    vals, active: true,
  }
}
