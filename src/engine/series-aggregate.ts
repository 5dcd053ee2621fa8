import { boundingBox, distanceKm } from '../geo.js'
import type { AggregateQuery, AggregateResult, AggregateScope, AggregateSpec } from './window-types.js'
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

function specState(s: AggregateSpec, since: number): SpecState {
  const c = s.category
  return {
    since,
    category: categoryTest(c),
    read: s.measure ? fieldReader(s.measure) : null,
    kind: s.kind,
    total: 0,
    seen: s.kind === 'distinct' ? new Set<string>() : null,
  }
}

function categoryTest(c: string | undefined): ((r: SeriesRow) => boolean) | null {
  return c ? (c.includes('.') ? (r: SeriesRow) => r.category === c : (r: SeriesRow) => r.topCategory === c) : null
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

/** The first and last time a counted row of rows[from..to-1] holds, read inward from each end. */
function firstLast(group: TimeRows, inScope: (r: SeriesRow) => boolean, from: number, to: number) {
  let first: number | null = null
  let last: number | null = null
  for (let i = from; i < to; i++) if (inScope(group.rows[i]!)) { first = group.rows[i]!.occurredAt; break }
  if (first === null) return { first, last }
  for (let i = to - 1; i >= from; i--) if (inScope(group.rows[i]!)) { last = group.rows[i]!.occurredAt; break }
  return { first, last }
}

/** How one spec of a query is answered; names and functions are the plan's, made once. */
interface SpecPlan {
  spec: AggregateSpec
  mode: 'mitigating-total' | 'mitigating-scan' | 'total' | 'distinct-tally' | 'distinct-scan' | 'scan'
  /** The running total's or tally's name ('total': the name of the plan's value). */
  name: string
  /** 'mitigating-total': what a row adds to the running count; null when nothing can mitigate. */
  counted: ((r: SeriesRow) => number) | null
  category: ((r: SeriesRow) => boolean) | null
  keyOf: ((r: SeriesRow) => string | null) | null
}

/**
 * What an indicator's aggregate query does, worked out once per indicator (its specs, flags and
 * whether it has a circle) instead of on every evaluation: which running total, tally or scan
 * answers each spec, their names, and the row functions they add up. Without a circle, whether a
 * row counts depends on its flags alone, so one test serves every query.
 */
interface Plan {
  flags: string
  specs: SpecPlan[]
  inScope: (r: SeriesRow) => boolean
  /** A running total's value per row, by name. */
  values: Map<string, (r: SeriesRow) => number>
  /** The same counted only for the rows that count (active, assessed unless asked, not mitigating). */
  counted: Map<string, (r: SeriesRow) => number>
  /** The running total's name in the rows (flags first): built once, not per read. */
  totalNames: Map<string, string>
}

/** A plan with what it was made for besides the specs: found again without building a key. */
interface PlanEntry {
  includeUnassessed: boolean
  mitigatingCodes: readonly string[] | undefined
  trendMeasures: readonly string[]
  circle: boolean
  plan: Plan
}

const plans = new WeakMap<readonly AggregateSpec[], PlanEntry[]>()

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]))

function planOf(q: AggregateQuery): Plan {
  let entries = plans.get(q.specs)
  if (!entries) plans.set(q.specs, entries = [])
  const circle = q.scope.circle !== undefined
  for (const e of entries) {
    if (e.circle === circle && e.includeUnassessed === q.includeUnassessed && sameList(e.mitigatingCodes, q.mitigatingCodes)
      && sameList(e.trendMeasures, q.trendMeasures)) return e.plan
  }
  const plan = makePlan(q)
  entries.push({ includeUnassessed: q.includeUnassessed, mitigatingCodes: q.mitigatingCodes, trendMeasures: [...q.trendMeasures], circle, plan })
  return plan
}

function makePlan(q: AggregateQuery): Plan {
  const circle = q.scope.circle !== undefined
  const incl = q.includeUnassessed
  const mit = mitigatingTest(q)
  const flags = flagsName(q)
  const values = new Map<string, (r: SeriesRow) => number>()
  const counted = new Map<string, (r: SeriesRow) => number>()
  const totalNames = new Map<string, string>()
  const addValue = (name: string, value: (r: SeriesRow) => number) => {
    if (values.has(name)) return
    values.set(name, value)
    totalNames.set(name, `${flags}:${name}`)
    counted.set(name, (r) => (r.active && (incl || r.assessed) && !mit?.(r) ? value(r) : 0))
  }
  const specs = q.specs.map((spec): SpecPlan => {
    const category = categoryTest(spec.category)
    const base = { spec, name: '', counted: null, category, keyOf: null }
    const integer = spec.kind === 'count' || (spec.kind === 'sum' && INTEGER_MEASURES.has(spec.measure!))
    if (spec.mitigating && !circle) {
      const m = mit
      return { ...base, mode: 'mitigating-total', name: `${flags}:mitigating:${spec.category ?? ''}`,
        counted: m === null ? null : (r) => (r.active && (incl || r.assessed) && m(r) && (!category || category(r)) ? 1 : 0) }
    }
    if (spec.mitigating) return { ...base, mode: 'mitigating-scan' }
    if (!category && integer) {
      const m = spec.kind === 'count' ? 'count' : spec.measure!
      addValue(m, measureValue(m))
      return { ...base, mode: 'total', name: m }
    }
    if (category && !circle && integer) {
      // A category filter is a property of the row alone: a running total named by it answers too.
      const m = spec.kind === 'count' ? 'count' : spec.measure!
      const value = measureValue(m)
      const name = `category=${spec.category}:${m}`
      addValue(name, (r) => (category(r) ? value(r) : 0))
      return { ...base, mode: 'total', name }
    }
    if (!category && spec.kind === 'distinct') {
      const read = fieldReader(spec.measure!)
      const keyOf = (r: SeriesRow) => distinctKey(read(r))
      return circle
        ? { ...base, mode: 'distinct-scan', name: `distinct:${spec.measure}`, keyOf }
        : { ...base, mode: 'distinct-tally', name: `distinct:${spec.measure}:${spec.windowMs}:${flags}`, keyOf }
    }
    return { ...base, mode: 'scan' }
  })
  for (const m of q.trendMeasures) addValue(m, measureValue(m))
  addValue('latN', (r) => (r.lat === null ? 0 : 1))
  addValue('lonN', (r) => (r.lon === null ? 0 : 1))
  addValue('lat', (r) => r.lat ?? 0)
  addValue('lon', (r) => r.lon ?? 0)
  addValue('strong', (r) => (isStrong(r) ? 1 : 0))
  addValue('medium', (r) => (isMedium(r) ? 1 : 0))
  return { flags, specs, inScope: scopeTest({ ...q, scope: { ...q.scope, circle: undefined } as AggregateScope }), values, counted, totalNames }
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
  const plan = planOf(q)
  const circle = q.scope.circle
  // Without a circle whether a row counts is the plan's (flags alone); a circle decides per query.
  const inScope = circle ? scopeTest(q) : plan.inScope
  const total = (name: string, from: number, to: number): number => {
    if (!circle) return group.total(plan.totalNames.get(name)!, plan.counted.get(name)!, from, to)
    const value = plan.values.get(name)!
    let sum = 0
    for (let i = from; i < to; i++) if (inScope(group.rows[i]!)) sum += value(group.rows[i]!)
    return sum
  }
  const hi = group.firstAfter(q.anchor)
  let scanned: SpecState[] | null = null
  let scannedKeys: string[] | null = null
  for (const sp of plan.specs) {
    const spec = sp.spec
    const since = q.anchor - spec.windowMs
    const lo = group.firstAfter(since)
    switch (sp.mode) {
      case 'mitigating-total':
        // Whether a row is a counted mitigating input depends on the row alone: a running count.
        values[spec.key] = sp.counted === null ? 0 : group.total(sp.name, sp.counted, lo, hi)
        break
      case 'mitigating-scan': {
        // Read row by row: a circle decides per query which rows count.
        const mitigatingInScope = scopeTest(q, true)
        let n = 0
        for (let j = lo; j < hi; j++) if (mitigatingInScope(group.rows[j]!) && (!sp.category || sp.category(group.rows[j]!))) n++
        values[spec.key] = n
        break
      }
      case 'total':
        values[spec.key] = total(sp.name, lo, hi)
        break
      case 'distinct-tally':
        // Whether a row counts depends on its flags alone: a tally slides with the window.
        values[spec.key] = group.tally(sp.name, sp.keyOf!, inScope, lo, hi).size
        break
      case 'distinct-scan':
        values[spec.key] = group.distinct(sp.name, sp.keyOf!, inScope, lo, hi)
        break
      default:
        (scanned ??= []).push(specState(spec, since))
        ;(scannedKeys ??= []).push(spec.key)
    }
  }
  if (scanned !== null && scannedKeys !== null) {
    for (let i = group.firstAfter(Math.min(...scanned.map((st) => st.since))); i < hi; i++) {
      const r = group.rows[i]!
      if (inScope(r)) for (const st of scanned) addToSpec(st, r)
    }
    scanned.forEach((st, i) => { values[scannedKeys![i]!] = st.seen ? st.seen.size : st.total })
  }
  // The previous windows, for the trend.
  const trendLo = group.firstAfter(q.anchor - (q.trendPeriods + 1) * q.windowMs)
  const windowLo = group.firstAfter(q.anchor - q.windowMs)
  const baselines: Record<string, number> = {}
  for (const m of q.trendMeasures) baselines[m] = total(m, trendLo, windowLo) / q.trendPeriods
  // The indicator's own window: when, where and how well sourced.
  const { first, last } = firstLast(group, inScope, windowLo, hi)
  if (first === null) return { ...EMPTY, values, baselines }
  const latN = total('latN', windowLo, hi)
  const lonN = total('lonN', windowLo, hi)
  return {
    values,
    baselines,
    firstSeen: first,
    lastSeen: last,
    centroid: latN > 0 && lonN > 0
      ? { lat: total('lat', windowLo, hi) / latN, lon: total('lon', windowLo, hi) / lonN }
      : null,
    strongSource: total('strong', windowLo, hi) > 0,
    mediumSource: total('medium', windowLo, hi) > 0,
  }
}

/** Field readers by name: an evaluation asks whether its input counts on every update. */
const readers = new Map<string, (r: SeriesRow) => unknown>()
const readerOf = (field: string) => {
  let read = readers.get(field)
  if (!read) readers.set(field, read = fieldReader(field))
  return read
}

/** Whether the aggregate over this scope and window counts the input. */
export function seriesCounts(series: InputSeries, q: ScopeOptions & { anchor: number; windowMs: number }, inputId: string): boolean {
  const r = series.get(inputId)
  if (r === undefined || r.occurredAt <= q.anchor - q.windowMs || r.occurredAt > q.anchor) return false
  for (const field in q.scope.eq) if (readerOf(field)(r) !== q.scope.eq[field]) return false
  // Without a circle, whether a row counts is a question of its flags: the plan's test, made once.
  return q.scope.circle ? scopeTest(q)(r) : flagsTest(q)(r)
}

const flagTests = new Map<string, (r: SeriesRow) => boolean>()

/** scopeTest without a circle, kept by what it depends on (the flags and mitigating codes). */
function flagsTest(q: ScopeOptions): (r: SeriesRow) => boolean {
  const name = flagsName(q)
  let test = flagTests.get(name)
  if (!test) flagTests.set(name, test = scopeTest(q))
  return test
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
