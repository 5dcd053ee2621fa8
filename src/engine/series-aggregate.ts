import { boundingBox, distanceKm } from '../geo.js'
import type { AggregateQuery, AggregateResult, AggregateScope } from './window-types.js'
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

type ScopeOptions = { scope: AggregateScope; includeUnassessed: boolean; mitigatingCodes?: readonly string[] }

/** Whether a row is a mitigating input (its category is one of the query's mitigating codes); null when none can be. */
function mitigatingTest(q: ScopeOptions): ((r: SeriesRow) => boolean) | null {
  if (!q.mitigatingCodes || q.mitigatingCodes.length === 0) return null
  const codes = new Set(q.mitigatingCodes)
  return (r) => codes.has(r.category)
}

/**
 * Whether a row of the scope's group counts: active, assessed (unless asked for), in the circle,
 * and a threat (mitigating inputs count only for the `mitigating` fact; with `mitigating` set,
 * only they count). The group (equal fields) is chosen before; the rows read are all in it.
 */
function scopeTest(q: ScopeOptions, mitigating = false): (r: SeriesRow) => boolean {
  const { scope, includeUnassessed } = q
  const mit = mitigatingTest(q)
  const c = scope.circle
  const box = c ? boundingBox(c.lat, c.lon, c.km) : null
  return (r) => {
    if (!r.active || (!includeUnassessed && !r.assessed)) return false
    if (mit ? mit(r) !== mitigating : mitigating) return false
    if (c && box) {
      if (r.lat === null || r.lon === null) return false
      if (r.lat < box.minLat || r.lat > box.maxLat || r.lon < box.minLon || r.lon > box.maxLon) return false
      if (distanceKm(r.lat, r.lon, c.lat, c.lon) > c.km) return false
    }
    return true
  }
}

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

/** A measure's value for a row: 1 for count, else the measure as a number. */
const measureValue = (m: string) => {
  if (m === 'count') return () => 1
  const read = fieldReader(m)
  return (r: SeriesRow) => numeric(read(r))
}

const isStrong = (r: SeriesRow) => (r.reliability === 'A' || r.reliability === 'B') && r.credibility <= 2
const isMedium = (r: SeriesRow) => (r.reliability === 'A' || r.reliability === 'B' || r.reliability === 'C') && r.credibility <= 3

/** What, besides a circle, decides whether a row counts, as part of a running figure's name (the mitigating codes too: a total leaves them out). */
function flagsName(q: ScopeOptions): string {
  const mit = q.mitigatingCodes && q.mitigatingCodes.length > 0
  return `${q.includeUnassessed ? 'all' : 'assessed'}${mit ? `-${q.mitigatingCodes!.join(',')}` : ''}`
}

/**
 * Totals over rows[from..to-1] of the rows that count. Without a circle, whether a row counts
 * depends only on its flags, so a running total answers (named by what it adds up); with one,
 * the rows are read.
 */
function totaller(group: TimeRows, q: AggregateQuery, inScope: (r: SeriesRow) => boolean) {
  const incl = q.includeUnassessed
  const mit = mitigatingTest(q)
  const flags = flagsName(q)
  return (name: string, value: (r: SeriesRow) => number, from: number, to: number): number => {
    if (!q.scope.circle) return group.total(`${flags}:${name}`, (r) => (r.active && (incl || r.assessed) && !mit?.(r) ? value(r) : 0), from, to)
    let total = 0
    for (let i = from; i < to; i++) if (inScope(group.rows[i]!)) total += value(group.rows[i]!)
    return total
  }
}

/** The first and last time a counted row of rows[from..to-1] holds, read inward from each end. */
function firstLast(group: TimeRows, inScope: (r: SeriesRow) => boolean, from: number, to: number) {
  let first: number | null = null
  let last: number | null = null
  for (let i = from; i < to; i++) if (inScope(group.rows[i]!)) { first = group.rows[i]!.occurredAt; break }
  if (first === null) return { first, last }
  for (let i = to - 1; i >= from; i--) if (inScope(group.rows[i]!)) { last = group.rows[i]!.occurredAt; break }
  return { first, last }
}

const EMPTY: AggregateResult = { values: {}, baselines: {}, firstSeen: null, lastSeen: null, centroid: null, strongSource: false, mediumSource: false }

/**
 * Every aggregate of an evaluation from the rows of its group in memory: the same figures the
 * SQL aggregate computed (count, total, count DISTINCT, trend baselines, first/last seen,
 * centroid, strongest source). Counts and integer sums come from running totals (a category
 * filter names its own), distinct counts from a scan that stops once every value is seen; only
 * fractional measures, category-filtered distinct counts and circles read every row of their window.
 */
export function aggregateSeries(series: InputSeries, q: AggregateQuery): AggregateResult {
  const group = series.group(q.scope.eq)
  const values: Record<string, number> = {}
  if (!group) {
    q.specs.forEach((s) => { values[s.key] = 0 })
    return { ...EMPTY, values, baselines: Object.fromEntries(q.trendMeasures.map((m) => [m, 0])) }
  }
  const inScope = scopeTest(q)
  const total = totaller(group, q, inScope)
  const hi = group.firstAfter(q.anchor)
  const scanned: SpecState[] = []
  const scannedKeys: string[] = []
  const mitigatingInScope = scopeTest(q, true)
  specStates(q).forEach((st, i) => {
    const spec = q.specs[i]!
    const lo = group.firstAfter(st.since)
    const mit = spec.mitigating ? mitigatingTest(q) : null
    if (spec.mitigating && !q.scope.circle) {
      // Whether a row is a counted mitigating input depends on the row alone: a running count.
      const incl = q.includeUnassessed
      const inCategory = st.category
      values[spec.key] = mit === null ? 0 : group.total(`${flagsName(q)}:mitigating:${spec.category ?? ''}`,
        (r) => (r.active && (incl || r.assessed) && mit(r) && (!inCategory || inCategory(r)) ? 1 : 0), lo, hi)
    } else if (spec.mitigating) {
      // Read row by row: a circle decides per query which rows count.
      let n = 0
      for (let j = lo; j < hi; j++) if (mitigatingInScope(group.rows[j]!) && (!st.category || st.category(group.rows[j]!))) n++
      values[spec.key] = n
    } else if (!st.category && (st.kind === 'count' || (st.kind === 'sum' && INTEGER_MEASURES.has(spec.measure!)))) {
      values[spec.key] = total(spec.kind === 'count' ? 'count' : spec.measure!, measureValue(spec.kind === 'count' ? 'count' : spec.measure!), lo, hi)
    } else if (st.category && !q.scope.circle && (st.kind === 'count' || (st.kind === 'sum' && INTEGER_MEASURES.has(spec.measure!)))) {
      // A category filter is a property of the row alone: a running total named by it answers too.
      const m = spec.kind === 'count' ? 'count' : spec.measure!
      const value = measureValue(m)
      const inCategory = st.category
      values[spec.key] = total(`category=${spec.category}:${m}`, (r) => (inCategory(r) ? value(r) : 0), lo, hi)
    } else if (!st.category && st.kind === 'distinct' && !q.scope.circle) {
      // Whether a row counts depends on its flags alone: a tally slides with the window.
      const read = st.read!
      values[spec.key] = group.tally(`distinct:${spec.measure}:${spec.windowMs}:${flagsName(q)}`, (r) => distinctKey(read(r)), inScope, lo, hi).size
    } else if (!st.category && st.kind === 'distinct') {
      const read = st.read!
      values[spec.key] = group.distinct(`distinct:${spec.measure}`, (r) => distinctKey(read(r)), inScope, lo, hi)
    } else {
      scanned.push(st)
      scannedKeys.push(spec.key)
    }
  })
  if (scanned.length > 0) {
    for (let i = group.firstAfter(Math.min(...scanned.map((st) => st.since))); i < hi; i++) {
      const r = group.rows[i]!
      if (inScope(r)) for (const st of scanned) addToSpec(st, r)
    }
    scanned.forEach((st, i) => { values[scannedKeys[i]!] = st.seen ? st.seen.size : st.total })
  }
  // The previous windows, for the trend.
  const trendLo = group.firstAfter(q.anchor - (q.trendPeriods + 1) * q.windowMs)
  const windowLo = group.firstAfter(q.anchor - q.windowMs)
  const baselines = Object.fromEntries(q.trendMeasures.map((m) => [m, total(m, measureValue(m), trendLo, windowLo) / q.trendPeriods]))
  // The indicator's own window: when, where and how well sourced.
  const { first, last } = firstLast(group, inScope, windowLo, hi)
  if (first === null) return { ...EMPTY, values, baselines }
  const latN = total('latN', (r) => (r.lat === null ? 0 : 1), windowLo, hi)
  const lonN = total('lonN', (r) => (r.lon === null ? 0 : 1), windowLo, hi)
  return {
    values,
    baselines,
    firstSeen: first,
    lastSeen: last,
    centroid: latN > 0 && lonN > 0
      ? { lat: total('lat', (r) => r.lat ?? 0, windowLo, hi) / latN, lon: total('lon', (r) => r.lon ?? 0, windowLo, hi) / lonN }
      : null,
    strongSource: total('strong', (r) => (isStrong(r) ? 1 : 0), windowLo, hi) > 0,
    mediumSource: total('medium', (r) => (isMedium(r) ? 1 : 0), windowLo, hi) > 0,
  }
}

/** Whether the aggregate over this scope and window counts the input. */
export function seriesCounts(series: InputSeries, q: ScopeOptions & { anchor: number; windowMs: number }, inputId: string): boolean {
  const r = series.get(inputId)
  if (r === undefined || r.occurredAt <= q.anchor - q.windowMs || r.occurredAt > q.anchor) return false
  const eqHolds = Object.entries(q.scope.eq).every(([field, value]) => fieldReader(field)(r) === value)
  return eqHolds && scopeTest(q)(r)
}

/**
 * The ids of the inputs the aggregate over this scope and window counts, in time order (then id:
 * ids are ASCII, so this is SQLite's order too): the ones an alert links when it is raised.
 */
export function seriesInputIds(series: InputSeries, q: ScopeOptions & { anchor: number; windowMs: number }): string[] {
  const group = series.group(q.scope.eq)
  if (!group) return []
  const inScope = scopeTest(q)
  const ids: string[] = []
  for (let i = group.firstAfter(q.anchor - q.windowMs), hi = group.firstAfter(q.anchor); i < hi; i++) {
    if (inScope(group.rows[i]!)) ids.push(group.rows[i]!.inputId)
  }
  return ids
}

/** One area (admin1, optionally with its admin2) that inputs of a scope lie in, and how many. */
export interface InputArea {
  admin1: string | null
  admin1Pcode: string | null
  admin2: string | null
  admin2Pcode: string | null
  inputs: number
  /** When the latest of them occurred. */
  last: number
}

/**
 * The places the inputs an aggregate counts lie in, by (admin1, admin2), the area with the most
 * inputs first (then the most recent): what an alert derives its areas from.
 */
export function seriesAreas(series: InputSeries, q: ScopeOptions & { anchor: number; windowMs: number }): InputArea[] {
  const group = series.group(q.scope.eq)
  if (!group) return []
  const inScope = scopeTest(q)
  const lo = group.firstAfter(q.anchor - q.windowMs)
  const hi = group.firstAfter(q.anchor)
  if (q.scope.circle) return scanAreas(group, inScope, lo, hi)
  // Without a circle, a tally of (names, P-codes) slides with the window instead of a full read.
  const tally = group.tally(`areas:${flagsName(q)}`, areaVariant, inScope, lo, hi)
  const byArea = new Map<string, { area: InputArea; variants: number }>()
  for (const e of tally.values()) {
    const r = e.row
    const key = `${r.admin1 ?? ''}\u0000${r.admin2 ?? ''}`
    const a = byArea.get(key)
    if (a) {
      a.area.inputs += e.n
      a.area.last = Math.max(a.area.last, e.last)
      a.variants++
    } else {
      byArea.set(key, { area: { admin1: r.admin1, admin1Pcode: r.admin1Pcode, admin2: r.admin2, admin2Pcode: r.admin2Pcode, inputs: e.n, last: e.last }, variants: 1 })
    }
  }
  const areas = [...byArea.values()]
  const sorted = areas.map((a) => a.area).sort(byWeight)
  // Which P-codes an area shows (one area under two spellings) and the order of ties are decided
  // by the first input in the window: only a read of the window knows it, and such cases are rare.
  const tied = sorted.some((a, i) => i > 0 && byWeight(sorted[i - 1]!, a) === 0)
  return tied || areas.some((a) => a.variants > 1) ? scanAreas(group, inScope, lo, hi) : sorted
}

/** An input's area with its P-codes, as a tally key; null when it names no area. */
function areaVariant(r: SeriesRow): string | null {
  if (r.admin1 === null && r.admin2 === null) return null
  return `${r.admin1 ?? '\u0001'}\u0000${r.admin2 ?? '\u0001'}\u0000${r.admin1Pcode ?? '\u0001'}\u0000${r.admin2Pcode ?? '\u0001'}`
}

/** Most inputs first, then the most recent. */
const byWeight = (a: InputArea, b: InputArea) => b.inputs - a.inputs || b.last - a.last

/** The areas of the counted rows of rows[lo..hi-1], read row by row, in order of first appearance before sorting. */
function scanAreas(group: TimeRows, inScope: (r: SeriesRow) => boolean, lo: number, hi: number): InputArea[] {
  const byArea = new Map<string, InputArea>()
  for (let i = lo; i < hi; i++) {
    const r = group.rows[i]!
    if (!inScope(r) || (r.admin1 === null && r.admin2 === null)) continue
    const key = `${r.admin1 ?? ''}\u0000${r.admin2 ?? ''}`
    const a = byArea.get(key)
    if (a) {
      a.inputs++
      a.last = Math.max(a.last, r.occurredAt)
    } else {
      byArea.set(key, { admin1: r.admin1, admin1Pcode: r.admin1Pcode, admin2: r.admin2, admin2Pcode: r.admin2Pcode, inputs: 1, last: r.occurredAt })
    }
  }
  return [...byArea.values()].sort(byWeight)
}
