/**
 * The indicator aggregates are computed from rows held in memory (src/storage/input-series.ts).
 * These tests hold them to what SQL computes over the stored rows, through random sequences of
 * writes (out of order, replaced, removed, deactivated), queries and rollbacks; and check that a
 * rolled-back write and another connection's commit are never counted from stale memory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/storage/store.js'
import { createIndicatorInputsRepo } from '../../src/storage/indicator-inputs-repo.js'
import type { AggregateQuery, AggregateResult, IndicatorInputRow } from '../../src/engine/window-types.js'
import { WriteQueue } from '../../src/storage/write-queue.js'
import { TimeRows } from '../../src/engine/time-rows.js'
import type { SeriesRow } from '../../src/engine/input-series.js'
import { boundingBox } from '../../src/geo.js'
import { fcParams, fcTimeout } from '../helpers/seeded.js'

const COLUMNS: Record<string, string> = {
  admin1: 'admin1', admin2: 'admin2', route: 'route', site: 'site', category: 'category',
  topCategory: 'top_category', source: 'source', report: 'input_id',
  unKilled: 'un_killed', unInjured: 'un_injured', unAbducted: 'un_abducted', civiliansKilled: 'civilians_killed',
}
const measureSql = (m: string) => COLUMNS[m] ?? `json_extract(vals, '$."${m.replace(/[^A-Za-z0-9_.]/g, '')}"')`

/** The WHERE clause selecting an indicator's inputs in scope over `lookbackMs` before the anchor. */
function scopeWhere(q: AggregateQuery, lookbackMs: number) {
  const where = ['indicator_id = ?', 'mission = ?', 'active = 1', 'occurred_at > ?', 'occurred_at <= ?']
  const args: unknown[] = [q.indicatorId, q.scope.mission, q.anchor - lookbackMs, q.anchor]
  if (!q.includeUnassessed) where.push('assessed = 1')
  for (const [f, v] of Object.entries(q.scope.eq)) { where.push(`${COLUMNS[f]} = ?`); args.push(v) }
  const c = q.scope.circle
  if (c) {
    const b = boundingBox(c.lat, c.lon, c.km)
    where.push('lat BETWEEN ? AND ?', 'lon BETWEEN ? AND ?', 'vigil_km(lat, lon, ?, ?) <= ?')
    args.push(b.minLat, b.maxLat, b.minLon, b.maxLon, c.lat, c.lon, c.km)
  }
  return { where: where.join(' AND '), args }
}

/** The ids of the inputs in the window, as SQL orders them: the oracle for what a raise links. */
function sqlInputIds(db: Database.Database, q: AggregateQuery): string[] {
  const { where, args } = scopeWhere(q, q.windowMs)
  return db.prepare(`SELECT input_id FROM indicator_inputs WHERE ${where} ORDER BY occurred_at, input_id`).pluck().all(...args) as string[]
}

/** The aggregate as one SQL statement over the stored rows: the oracle. */
function sqlAggregate(db: Database.Database, q: AggregateQuery): AggregateResult {
  const sel: string[] = []
  const args: unknown[] = []
  for (const s of q.specs) {
    let f = 'occurred_at > ?'
    args.push(q.anchor - s.windowMs)
    if (s.category) {
      f += s.category.includes('.') ? ' AND category = ?' : ' AND top_category = ?'
      args.push(s.category)
    }
    if (s.kind === 'count') sel.push(`count(*) FILTER (WHERE ${f})`)
    else if (s.kind === 'sum') sel.push(`coalesce(total(${measureSql(s.measure!)}) FILTER (WHERE ${f}), 0)`)
    else sel.push(`count(DISTINCT ${measureSql(s.measure!)}) FILTER (WHERE ${f})`)
  }
  for (const m of q.trendMeasures) {
    sel.push(`coalesce(total(${m === 'count' ? '1' : measureSql(m)}) FILTER (WHERE occurred_at > ? AND occurred_at <= ?), 0)`)
    args.push(q.anchor - (q.trendPeriods + 1) * q.windowMs, q.anchor - q.windowMs)
  }
  for (const e of ['min(occurred_at)', 'max(occurred_at)', 'avg(lat)', 'avg(lon)',
    "max(reliability IN ('A', 'B') AND credibility <= 2)", "max(reliability IN ('A', 'B', 'C') AND credibility <= 3)"]) {
    sel.push(`${e} FILTER (WHERE occurred_at > ?)`)
    args.push(q.anchor - q.windowMs)
  }
  const widest = Math.max(q.windowMs * (q.trendPeriods + 1), ...q.specs.map((s) => s.windowMs))
  const scope = scopeWhere(q, widest)
  const row = db.prepare(`SELECT ${sel.join(', ')} FROM indicator_inputs WHERE ${scope.where}`).raw(true).get(...args, ...scope.args) as (number | null)[]
  const n = q.specs.length
  const t = q.trendMeasures.length
  const [first, last, lat, lon, strong, medium] = row.slice(n + t)
  return {
    values: Object.fromEntries(q.specs.map((s, i) => [s.key, Number(row[i] ?? 0)])),
    baselines: Object.fromEntries(q.trendMeasures.map((m, i) => [m, Number(row[n + i] ?? 0) / q.trendPeriods])),
    firstSeen: first ?? null,
    lastSeen: last ?? null,
    centroid: lat != null && lon != null ? { lat, lon } : null,
    strongSource: strong === 1,
    mediumSource: medium === 1,
  }
}

/** Equal, with floating sums compared to 1e-9 (SQL and memory add in different orders). */
function expectSame(got: AggregateResult, want: AggregateResult) {
  const round = (r: AggregateResult) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)))
  expect(round(got)).toEqual(round(want))
}

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 1)

const rowArb = fc.record({
  indicatorId: fc.constantFrom('HOS-001', 'POC-002'),
  inputId: fc.constantFrom(...Array.from({ length: 16 }, (_, i) => `R-${String(i).padStart(2, '0')}`)),
  mission: fc.constantFrom('MINUSCA', 'MINUSMA'),
  category: fc.constantFrom('HOS.IED', 'HOS.AMBUSH', 'POC.KILL'),
  day: fc.integer({ min: 0, max: 30 }),
  ms: fc.integer({ min: 0, max: DAY - 1 }),
  place: fc.option(fc.record({ lat: fc.double({ min: 4, max: 6, noNaN: true }), lon: fc.double({ min: 18, max: 20, noNaN: true }) }), { nil: null }),
  admin1: fc.option(fc.constantFrom('Ouham', 'Vakaga', 'Haute-Kotto'), { nil: null }),
  site: fc.option(fc.constantFrom('Kaga', 'Birao'), { nil: null }),
  source: fc.constantFrom('s1', 's2', 's3', 'unattributed'),
  reliability: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
  credibility: fc.integer({ min: 1, max: 6 }),
  assessed: fc.boolean(),
  unKilled: fc.nat(3),
  civiliansKilled: fc.nat(5),
  vals: fc.option(fc.record({ 'casualties.total': fc.oneof(fc.integer({ min: 0, max: 9 }), fc.double({ min: 0, max: 9, noNaN: true }), fc.constant('4 wounded'), fc.constant(null)) }), { nil: null }),
}).map((r): IndicatorInputRow => ({
  indicatorId: r.indicatorId, inputId: r.inputId, mission: r.mission, category: r.category, topCategory: r.category.slice(0, 3),
  occurredAt: T0 + r.day * DAY + r.ms, lat: r.place?.lat ?? null, lon: r.place?.lon ?? null,
  admin1: r.admin1, admin2: null, admin1Pcode: r.admin1 === null ? null : `P-${r.admin1}`, admin2Pcode: null, route: null, site: r.site, source: r.source, reliability: r.reliability,
  credibility: r.credibility, assessed: r.assessed, unKilled: r.unKilled, unInjured: 0, unAbducted: 0,
  civiliansKilled: r.civiliansKilled, vals: r.vals,
}))

/** Each indicator has one window, trend and look-back, as a rule gives it. */
const SHAPES: Record<string, { windowDays: number; trendPeriods: number; wideDays?: number }> = {
  'HOS-001': { windowDays: 7, trendPeriods: 3, wideDays: 40 },
  'POC-002': { windowDays: 3, trendPeriods: 2 },
}

function query(indicatorId: string, x: { mission: string; eq: Record<string, string>; circle?: { lat: number; lon: number; km: number }; anchor: number; includeUnassessed: boolean; trendSum: boolean }): AggregateQuery {
  const shape = SHAPES[indicatorId]!
  const windowMs = shape.windowDays * DAY
  return {
    indicatorId,
    scope: { mission: x.mission, eq: x.eq, ...(x.circle ? { circle: x.circle } : {}) },
    anchor: x.anchor,
    windowMs,
    trendPeriods: shape.trendPeriods,
    trendMeasures: x.trendSum ? ['count', 'civiliansKilled', 'casualties.total'] : ['count'],
    includeUnassessed: x.includeUnassessed,
    specs: [
      { key: 'count', kind: 'count', windowMs },
      { key: 'unKilled', kind: 'sum', measure: 'unKilled', windowMs },
      { key: 'independentSources', kind: 'distinct', measure: 'source', windowMs },
      { key: 'sum:casualties.total', kind: 'sum', measure: 'casualties.total', windowMs },
      { key: 'distinct:casualties.total', kind: 'distinct', measure: 'casualties.total', windowMs },
      { key: 'distinct:admin1', kind: 'distinct', measure: 'admin1', windowMs },
      { key: 'count:HOS.IED', kind: 'count', category: 'HOS.IED', windowMs },
      { key: 'count:POC', kind: 'count', category: 'POC', windowMs },
      ...(shape.wideDays ? [{ key: 'count:wide', kind: 'count' as const, windowMs: shape.wideDays * DAY }] : []),
    ],
    lookbackMs: Math.max(windowMs * (shape.trendPeriods + 1), (shape.wideDays ?? 0) * DAY),
  }
}

const queryArb = fc.record({
  indicatorId: fc.constantFrom('HOS-001', 'POC-002'),
  mission: fc.constantFrom('MINUSCA', 'MINUSMA'),
  eq: fc.constantFrom<Record<string, string>[]>({}, { admin1: 'Ouham' }, { admin1: 'Vakaga', site: 'Birao' }, { report: 'R-03' }, { category: 'HOS.IED' }, { topCategory: 'POC' }),
  circle: fc.option(fc.record({ lat: fc.constant(5), lon: fc.constant(19), km: fc.integer({ min: 10, max: 200 }) }), { nil: undefined }),
  anchorDay: fc.integer({ min: 0, max: 35 }),
  includeUnassessed: fc.boolean(),
  trendSum: fc.boolean(),
}).map((x) => query(x.indicatorId, { ...x, anchor: T0 + x.anchorDay * DAY + 43_200_000 }))

type Op =
  | { op: 'upsert'; row: IndicatorInputRow }
  | { op: 'remove'; inputId: string }
  | { op: 'deactivate'; inputId: string }
  | { op: 'query'; q: AggregateQuery }
  | { op: 'failedJob'; row: IndicatorInputRow }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: rowArb.map((row) => ({ op: 'upsert' as const, row })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }).map((i) => ({ op: 'remove' as const, inputId: `R-${String(i).padStart(2, '0')}` })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }).map((i) => ({ op: 'deactivate' as const, inputId: `R-${String(i).padStart(2, '0')}` })) },
  { weight: 4, arbitrary: queryArb.map((q) => ({ op: 'query' as const, q })) },
  { weight: 2, arbitrary: rowArb.map((row) => ({ op: 'failedJob' as const, row })) },
)

let dir: string
let store: Store | undefined
const open = () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-agg-'))
  store = openStore(path.join(dir, 'v.db'), { synchronous: 'NORMAL' })
  return store
}
afterEach(() => {
  store?.close()
  store = undefined
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('indicator aggregates in memory', () => {
  it('equal SQL over the stored rows through any sequence of writes, rollbacks and queries', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 80 }), async (generated) => {
      // Evaluation time moves forward, as the service's clock does: the series stay in memory
      // (trimmed behind the look-backs) instead of being reloaded for an earlier anchor.
      const anchors = generated.flatMap((o) => (o.op === 'query' ? [o.q.anchor] : [])).sort((a, b) => a - b)
      const ops = generated.map((o) => (o.op === 'query' ? { ...o, q: { ...o.q, anchor: anchors.shift()! } } : o))
      const s = open()
      const repo = createIndicatorInputsRepo(s.writer)
      const queue = new WriteQueue(s.writer, { journal: repo.journal })
      // Load every series over the whole range first, so later writes and queries go through
      // memory (a query reaching further back than what is held reloads it from SQLite).
      const base = { eq: {}, includeUnassessed: true, trendSum: false }
      await queue.run(() => { for (const i of ['HOS-001', 'POC-002']) for (const m of ['MINUSCA', 'MINUSMA']) repo.aggregate(query(i, { ...base, mission: m, anchor: T0 })) })
      try {
        for (const o of ops) {
          if (o.op === 'failedJob') {
            // A job that writes (and reads, loading what it wrote) and then fails: all of it is undone.
            await queue.run(() => {
              repo.upsert(o.row)
              repo.aggregate(query(o.row.indicatorId, { ...base, mission: o.row.mission, anchor: o.row.occurredAt }))
              throw new Error('refused')
            }).catch(() => undefined)
            continue
          }
          await queue.run(() => {
            if (o.op === 'upsert') repo.upsert(o.row)
            else if (o.op === 'remove') repo.remove(o.inputId)
            else if (o.op === 'deactivate') repo.deactivate(o.inputId)
            else {
              expectSame(repo.aggregate(o.q), sqlAggregate(s.writer, o.q))
              expect(repo.inputIds(o.q)).toEqual(sqlInputIds(s.writer, o.q))
              const counted = new Set(repo.inputIds(o.q))
              for (let i = 0; i < 16; i += 3) {
                const id = `R-${String(i).padStart(2, '0')}`
                expect(repo.counts(o.q, id)).toBe(counted.has(id))
              }
            }
          })
        }
      } finally {
        await queue.close()
        store!.close()
        store = undefined
        fs.rmSync(dir, { recursive: true, force: true })
      }
    }), fcParams(60))
  }, fcTimeout(60, 60_000))

  it('moves an input that a revision puts in another mission out of the first mission\'s counts', () => {
    const s = open()
    const repo = createIndicatorInputsRepo(s.writer)
    const q = (mission: string) => query('POC-002', { mission, eq: {}, anchor: T0 + 10 * DAY, includeUnassessed: true, trendSum: false })
    const row = { ...fc.sample(rowArb, { numRuns: 1, seed: 3 })[0]!, indicatorId: 'POC-002', inputId: 'R-01', occurredAt: T0 + 9 * DAY }
    expect([repo.aggregate(q('MINUSCA')).values.count, repo.aggregate(q('MINUSMA')).values.count]).toEqual([0, 0])
    repo.upsert({ ...row, mission: 'MINUSCA' })
    repo.upsert({ ...row, mission: 'MINUSMA' })
    expect([repo.aggregate(q('MINUSCA')).values.count, repo.aggregate(q('MINUSMA')).values.count]).toEqual([0, 1])
    expectSame(repo.aggregate(q('MINUSMA')), sqlAggregate(s.writer, q('MINUSMA')))
  })

  it("sees another connection's commit (a CLI on the same file) at the next evaluation", () => {
    const s = open()
    const repo = createIndicatorInputsRepo(s.writer)
    const q: AggregateQuery = { indicatorId: 'HOS-001', scope: { mission: 'MINUSCA', eq: {} }, anchor: T0 + 10 * DAY, windowMs: 7 * DAY, trendPeriods: 1, trendMeasures: ['count'], includeUnassessed: false, specs: [{ key: 'count', kind: 'count', windowMs: 7 * DAY }], lookbackMs: 14 * DAY }
    const row = fc.sample(rowArb, { numRuns: 1, seed: 7 })[0]!
    repo.upsert({ ...row, indicatorId: 'HOS-001', inputId: 'R-01', mission: 'MINUSCA', occurredAt: T0 + 9 * DAY, assessed: true })
    expect(repo.aggregate(q).values.count).toBe(1)
    const db = new Database(path.join(dir, 'v.db'))
    createIndicatorInputsRepo(db).upsert({ ...row, indicatorId: 'HOS-001', inputId: 'R-02', mission: 'MINUSCA', occurredAt: T0 + 8 * DAY, assessed: true })
    db.close()
    expect(repo.aggregate(q).values.count).toBe(2)
  })
})

describe('running totals over rows in time order', () => {
  type RowOp = { op: 'insert'; t: number; v: number } | { op: 'delete'; i: number } | { op: 'deactivate'; i: number } | { op: 'total'; a: number; b: number }
  const rowOp: fc.Arbitrary<RowOp> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), t: fc.integer({ min: 0, max: 50 }), v: fc.integer({ min: 0, max: 9 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), i: fc.nat(60) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('deactivate' as const), i: fc.nat(60) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('total' as const), a: fc.integer({ min: -1, max: 50 }), b: fc.integer({ min: -1, max: 50 }) }) },
  )

  it('equal a plain sum over the rows in range after any inserts, deletes and deactivations', () => {
    fc.assert(fc.property(fc.array(rowOp, { maxLength: 120 }), (ops) => {
      const rows = new TimeRows()
      const value = (r: SeriesRow) => (r.active ? r.unKilled : 0)
      let n = 0
      for (const o of ops) {
        if (o.op === 'insert') {
          rows.insert({ inputId: `R${n++}`, occurredAt: o.t, unKilled: o.v, active: true } as SeriesRow)
        } else if (o.op === 'delete' || o.op === 'deactivate') {
          const r = rows.rows[o.i % Math.max(1, rows.rows.length)]
          if (!r) continue
          if (o.op === 'delete') rows.delete(r)
          else { r.active = false; rows.touched(r) }
        } else {
          const [a, b] = o.a <= o.b ? [o.a, o.b] : [o.b, o.a]
          const lo = rows.firstAfter(a)
          const hi = rows.firstAfter(b)
          const plain = rows.rows.filter((r) => r.occurredAt > a && r.occurredAt <= b).reduce((sum, r) => sum + value(r), 0)
          expect(rows.total('unKilled', value, lo, hi)).toBe(plain)
        }
      }
    }), fcParams(300))
  })
})
