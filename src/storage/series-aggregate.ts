import { boundingBox, distanceKm } from '../geo.js'
import type { AggregateQuery, AggregateResult, AggregateScope } from './indicator-inputs-repo.js'
import { fieldReader, type InputSeries, type SeriesRow } from './input-series.js'
import type { TimeRows } from './time-rows.js'

/** A value as a number for a sum: what SQLite's total() makes of it (text by its numeric prefix). */
function numeric(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') return Number.parseFloat(v) || 0
  return 0
}

/** A value as a distinct key: SQLite's equality (1 = 1.0, 1 != '1', JSON objects as text). */
function distinctKey(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'number') return `n${v}`
  if (typeof v === 'boolean') return `n${v ? 1 : 0}`
  if (typeof v === 'string') return `s${v}`
  return `s${JSON.stringify(v)}`
}

/**
 * Whether a row of the scope's group counts: active, assessed (unless asked for), in the circle.
 * The group (equal fields) is chosen before; the rows read are all in it.
 */
function scopeTest(scope: AggregateScope, includeUnassessed: boolean): (r: SeriesRow) => boolean {
  const c = scope.circle
  const box = c ? boundingBox(c.lat, c.lon, c.km) : null
  return (r) => {
    if (!r.active || (!includeUnassessed && !r.assessed)) return false
    if (c && box) {
      if (r.lat === null || r.lon === null) return false
      if (r.lat < box.minLat || r.lat > box.maxLat || r.lon < box.minLon || r.lon > box.maxLon) return false
      if (distanceKm(r.lat, r.lon, c.lat, c.lon) > c.km) return false
    }
    return true
  }
}

/** How far back a query's aggregates read: its window with the trend's previous windows, or a wider spec. */
export const lookbackOf = (q: Pick<AggregateQuery, 'windowMs' | 'trendPeriods' | 'specs'>) =>
  Math.max(q.windowMs * (q.trendPeriods + 1), ...q.specs.map((s) => s.windowMs))

interface SpecState {
  since: number
  category: ((r: SeriesRow) => boolean) | null
  read: ((r: SeriesRow) => unknown) | null
  kind: 'count' | 'sum' | 'distinct'
  total: number
  seen: Set<string> | null
}

function specStates(q: AggregateQuery): SpecState[] {
  return q.specs.map((s) => {
    const c = s.category
    return {
      since: q.anchor - s.windowMs,
      category: c ? (c.includes('.') ? (r: SeriesRow) => r.category === c : (r: SeriesRow) => r.topCategory === c) : null,
      read: s.measure ? fieldReader(s.measure) : null,
      kind: s.kind,
      total: 0,
      seen: s.kind === 'distinct' ? new Set<string>() : null,
    }
  })
}

function addToSpec(st: SpecState, r: SeriesRow) {
  if (r.occurredAt <= st.since || (st.category && !st.category(r))) return
  if (st.kind === 'count') st.total++
  else if (st.kind === 'sum') st.total += numeric(st.read!(r))
  else {
    const k = distinctKey(st.read!(r))
    if (k !== null) st.seen!.add(k)
  }
}

/** Integer measures a running total can answer exactly (no rounding drift from subtraction). */
const INTEGER_MEASURES = new Set(['count', 'unKilled', 'unInjured', 'unAbducted', 'civiliansKilled'])

/** A trend measure's value for a row: 1 for count, else the measure as a number. */
const trendValue = (m: string) => {
  if (m === 'count') return () => 1
  const read = fieldReader(m)
  return (r: SeriesRow) => numeric(read(r))
}

/**
 * The trend baselines over (from, to]: a running total when the scope needs no per-row test
 * beyond the flags (no circle) and the measure is an integer, else a pass over the rows.
 */
function baselines(group: TimeRows, q: AggregateQuery, from: number, to: number): number[] {
  const lo = group.firstAfter(from)
  const hi = group.firstAfter(to)
  const incl = q.includeUnassessed
  return q.trendMeasures.map((m) => {
    const value = trendValue(m)
    if (!q.scope.circle && INTEGER_MEASURES.has(m)) {
      return group.total(`${incl ? 'all' : 'assessed'}:${m}`, (r) => (r.active && (incl || r.assessed) ? value(r) : 0), lo, hi)
    }
    const inScope = scopeTest(q.scope, incl)
    let total = 0
    for (let i = lo; i < hi; i++) if (inScope(group.rows[i]!)) total += value(group.rows[i]!)
    return total
  })
}

const EMPTY: AggregateResult = { values: {}, baselines: {}, firstSeen: null, lastSeen: null, centroid: null, strongSource: false, mediumSource: false }

/**
 * Every aggregate of an evaluation from the rows of its group in memory: the same figures the
 * SQL aggregate computed (count, total, count DISTINCT, trend baselines, first/last seen,
 * centroid, strongest source). The window (and any wider spec window) is one pass over its
 * rows; the trend's previous windows come from running totals.
 */
export function aggregateSeries(series: InputSeries, q: AggregateQuery): AggregateResult {
  const group = series.group(q.scope.eq)
  const specs = specStates(q)
  const values: Record<string, number> = {}
  if (!group) {
    q.specs.forEach((s) => { values[s.key] = 0 })
    return { ...EMPTY, values, baselines: Object.fromEntries(q.trendMeasures.map((m) => [m, 0])) }
  }
  const inScope = scopeTest(q.scope, q.includeUnassessed)
  const trendFrom = q.anchor - (q.trendPeriods + 1) * q.windowMs
  const trendTo = q.anchor - q.windowMs
  let first: number | null = null
  let last: number | null = null
  let latSum = 0, latN = 0, lonSum = 0, lonN = 0
  let strong = false, medium = false
  const rows = group.rows
  // The rows any spec's window holds (the indicator's own window, or a wider one).
  const from = Math.min(trendTo, ...specs.map((st) => st.since))
  for (let i = group.firstAfter(from); i < rows.length; i++) {
    const r = rows[i]!
    if (r.occurredAt > q.anchor) break
    if (!inScope(r)) continue
    for (const st of specs) addToSpec(st, r)
    if (r.occurredAt <= trendTo) continue
    // In the indicator's own window: when, where and how well sourced.
    if (first === null) first = r.occurredAt
    last = r.occurredAt
    if (r.lat !== null) { latSum += r.lat; latN++ }
    if (r.lon !== null) { lonSum += r.lon; lonN++ }
    const rel = r.reliability
    if (!strong && (rel === 'A' || rel === 'B') && r.credibility <= 2) strong = true
    if (!medium && (rel === 'A' || rel === 'B' || rel === 'C') && r.credibility <= 3) medium = true
  }
  q.specs.forEach((s, i) => { const st = specs[i]!; values[s.key] = st.seen ? st.seen.size : st.total })
  const totals = baselines(group, q, trendFrom, trendTo)
  return {
    values,
    baselines: Object.fromEntries(q.trendMeasures.map((m, i) => [m, totals[i]! / q.trendPeriods])),
    firstSeen: first,
    lastSeen: last,
    centroid: latN > 0 && lonN > 0 ? { lat: latSum / latN, lon: lonSum / lonN } : null,
    strongSource: strong,
    mediumSource: medium,
  }
}

/** Whether the aggregate over this scope and window counts the input. */
export function seriesCounts(series: InputSeries, q: { scope: AggregateScope; anchor: number; windowMs: number; includeUnassessed: boolean }, inputId: string): boolean {
  const r = series.get(inputId)
  if (r === undefined || r.occurredAt <= q.anchor - q.windowMs || r.occurredAt > q.anchor) return false
  const eqHolds = Object.entries(q.scope.eq).every(([field, value]) => fieldReader(field)(r) === value)
  return eqHolds && scopeTest(q.scope, q.includeUnassessed)(r)
}
