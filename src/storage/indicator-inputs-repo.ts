import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'
import { boundingBox } from '../geo.js'

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
}

export interface AggregateQuery {
  indicatorId: string
  scope: AggregateScope
  anchor: number
  windowMs: number
  trendPeriods: number
  trendMeasures: string[]
  includeUnassessed: boolean
  specs: readonly AggregateSpec[]
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

const COLUMNS: Record<string, string> = {
  admin1: 'admin1', admin2: 'admin2', route: 'route', site: 'site', category: 'category',
  topCategory: 'top_category', source: 'source', report: 'input_id',
  unKilled: 'un_killed', unInjured: 'un_injured', unAbducted: 'un_abducted', civiliansKilled: 'civilians_killed',
}

/** A JSON path into `vals` for a field that has no column; the key is quoted, never interpolated raw. */
const valsExpr = (path: string) => `json_extract(vals, '$."${path.replace(/[^A-Za-z0-9_.]/g, '')}"')`
const measureExpr = (m: string) => COLUMNS[m] ?? valsExpr(m)
const count = 'count'

/**
 * Builds the one SELECT that answers every aggregate of an evaluation. Each aggregate carries its
 * own FILTER (window, category); the WHERE clause spans the widest window and the trend
 * baseline so the (indicator, mission, occurred_at) index bounds the rows read.
 */
function buildSql(q: AggregateQuery): { sql: string; bind: (q: AggregateQuery) => unknown[] } {
  const binders: ((q: AggregateQuery) => unknown[])[] = []
  const select: string[] = []
  const inWindow = (w: number) => { binders.push((x) => [x.anchor - w]); return 'occurred_at > ?' }
  for (const s of q.specs) {
    const filters = [inWindow(s.windowMs)]
    if (s.category) {
      filters.push(s.category.includes('.') ? 'category = ?' : 'top_category = ?')
      const c = s.category
      binders.push(() => [c])
    }
    const f = `FILTER (WHERE ${filters.join(' AND ')})`
    if (s.kind === count) select.push(`count(*) ${f}`)
    else if (s.kind === 'sum') select.push(`coalesce(total(${measureExpr(s.measure!)}) ${f}, 0)`)
    else select.push(`count(DISTINCT ${measureExpr(s.measure!)}) ${f}`)
  }
  for (const m of q.trendMeasures) {
    binders.push((x) => [x.anchor - (x.trendPeriods + 1) * x.windowMs, x.anchor - x.windowMs])
    const expr = m === count ? '1' : measureExpr(m)
    select.push(`coalesce(total(${expr}) FILTER (WHERE occurred_at > ? AND occurred_at <= ?), 0)`)
  }
  select.push(
    `min(occurred_at) FILTER (WHERE ${inWindow(q.windowMs)})`,
    `max(occurred_at) FILTER (WHERE ${inWindow(q.windowMs)})`,
    `avg(lat) FILTER (WHERE ${inWindow(q.windowMs)})`,
    `avg(lon) FILTER (WHERE ${inWindow(q.windowMs)})`,
    `max(reliability IN ('A', 'B') AND credibility <= 2) FILTER (WHERE ${inWindow(q.windowMs)})`,
    `max(reliability IN ('A', 'B', 'C') AND credibility <= 3) FILTER (WHERE ${inWindow(q.windowMs)})`,
  )
  const widest = Math.max(q.windowMs * (q.trendPeriods + 1), ...q.specs.map((s) => s.windowMs))
  const scope = scopeFilter(q, widest)
  binders.push(scope.bind)
  const where = scope.clauses
  const sql = `SELECT ${select.map((s, i) => `${s} AS a${i}`).join(', ')} FROM indicator_inputs WHERE ${where.join(' AND ')}`
  return { sql, bind: (x) => binders.flatMap((b) => b(x)) }
}

type ScopeQuery = Pick<AggregateQuery, 'indicatorId' | 'scope' | 'anchor' | 'includeUnassessed'>

/** The WHERE clauses that select an indicator's inputs in scope over `lookBackMs`, and their values. */
function scopeFilter(q: ScopeQuery, lookBackMs: number) {
  const clauses = ['indicator_id = ?', 'mission = ?', 'active = 1', 'occurred_at > ?', 'occurred_at <= ?']
  if (!q.includeUnassessed) clauses.push('assessed = 1')
  const fields = Object.keys(q.scope.eq).sort()
  for (const field of fields) clauses.push(`${COLUMNS[field]} = ?`)
  if (q.scope.circle) clauses.push('lat BETWEEN ? AND ?', 'lon BETWEEN ? AND ?', 'vigil_km(lat, lon, ?, ?) <= ?')
  const bind = (x: ScopeQuery): unknown[] => {
    const values: unknown[] = [x.indicatorId, x.scope.mission, x.anchor - lookBackMs, x.anchor, ...fields.map((f) => x.scope.eq[f])]
    const c = x.scope.circle
    if (c) {
      const b = boundingBox(c.lat, c.lon, c.km)
      values.push(b.minLat, b.maxLat, b.minLon, b.maxLon, c.lat, c.lon, c.km)
    }
    return values
  }
  return { clauses, bind }
}

/** The per-indicator input index and its aggregates. Writes run inside the caller's transaction. */
export function createIndicatorInputsRepo(db: Db) {
  const upsertStmt = db.prepare(`INSERT OR REPLACE INTO indicator_inputs
    (indicator_id, input_id, mission, category, top_category, occurred_at, lat, lon, admin1, admin2, route, site,
     source, reliability, credibility, assessed, active, un_killed, un_injured, un_abducted, civilians_killed, vals)
    VALUES (@indicatorId, @inputId, @mission, @category, @topCategory, @occurredAt, @lat, @lon, @admin1, @admin2, @route, @site,
     @source, @reliability, @credibility, @assessed, 1, @unKilled, @unInjured, @unAbducted, @civiliansKilled, @vals)`)
  const removeStmt = db.prepare('DELETE FROM indicator_inputs WHERE input_id = ?')
  const clearStmt = db.prepare('DELETE FROM indicator_inputs WHERE indicator_id = ?')
  const signatureStmt = db.prepare('SELECT signature FROM indicator_index WHERE indicator_id = ?').pluck()
  const setSignatureStmt = db.prepare('INSERT OR REPLACE INTO indicator_index (indicator_id, signature, built_at, inputs) VALUES (?, ?, ?, ?)')
  const indexedStmt = db.prepare('SELECT indicator_id FROM indicator_index').pluck()
  const forgetStmt = db.prepare('DELETE FROM indicator_index WHERE indicator_id = ?')
  const deactivateStmt = db.prepare('UPDATE indicator_inputs SET active = 0 WHERE input_id = ?')
  const statements = new Map<string, { stmt: Statement; bind: (q: AggregateQuery) => unknown[] }>()
  const cached = new Map<string, Statement>()
  /** Scope look-ups vary only by shape, so each SQL text is prepared once. */
  const prepare = (sql: string) => {
    let stmt = cached.get(sql)
    if (!stmt) {
      stmt = db.prepare(sql)
      cached.set(sql, stmt)
    }
    return stmt
  }

  function prepared(q: AggregateQuery) {
    // The SQL depends only on the query's shape, so one statement serves every evaluation of it.
    const shape = JSON.stringify([q.specs, q.windowMs, q.trendPeriods, q.trendMeasures, q.includeUnassessed, Object.keys(q.scope.eq).sort(), !!q.scope.circle])
    let entry = statements.get(shape)
    if (!entry) {
      const { sql, bind } = buildSql(q)
      entry = { stmt: db.prepare(sql).raw(true), bind }
      statements.set(shape, entry)
    }
    return entry
  }

  return {
    upsert(row: IndicatorInputRow) {
      upsertStmt.run({ ...row, assessed: row.assessed ? 1 : 0, vals: row.vals ? JSON.stringify(row.vals) : null })
    },

    /** Forgets an input everywhere (a retracted or revised report, a withdrawn alert). */
    remove(inputId: string) {
      removeStmt.run(inputId)
    },

    /** The definition signature an indicator's index was built with, or null. */
    signature(indicatorId: string): string | null {
      return (signatureStmt.get(indicatorId) as string | undefined) ?? null
    },

    /** Empties an indicator's index, ready to rebuild it. */
    clear(indicatorId: string) {
      clearStmt.run(indicatorId)
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
    },

    /** Keeps an input for history but stops it counting (an alert that expired or was resolved). */
    deactivate(inputId: string) {
      deactivateStmt.run(inputId)
    },

    aggregate(q: AggregateQuery): AggregateResult {
      const { stmt, bind } = prepared(q)
      const row = stmt.get(...bind(q)) as (number | null)[]
      const values: Record<string, number> = {}
      q.specs.forEach((s, i) => { values[s.key] = Number(row[i] ?? 0) })
      const baselines: Record<string, number> = {}
      q.trendMeasures.forEach((m, i) => { baselines[m] = Number(row[q.specs.length + i] ?? 0) / q.trendPeriods })
      const tail = row.slice(q.specs.length + q.trendMeasures.length)
      const [first, last, lat, lon, strong, medium] = tail
      return {
        values,
        baselines,
        firstSeen: first ?? null,
        lastSeen: last ?? null,
        centroid: lat !== null && lat !== undefined && lon !== null && lon !== undefined ? { lat, lon } : null,
        strongSource: strong === 1,
        mediumSource: medium === 1,
      }
    },

    /** Whether this aggregate counts the input (in scope, in the window, assessed, active). */
    counts(q: ScopeQuery & { windowMs: number }, inputId: string): boolean {
      const scope = scopeFilter(q, q.windowMs)
      return prepare(`SELECT 1 FROM indicator_inputs WHERE ${scope.clauses.join(' AND ')} AND input_id = ?`)
        .pluck().get(...scope.bind(q), inputId) !== undefined
    },

    /** The ids of the inputs an aggregate over this scope and window counted. */
    inputIds(q: ScopeQuery & { windowMs: number }): string[] {
      const scope = scopeFilter(q, q.windowMs)
      return prepare(`SELECT input_id FROM indicator_inputs WHERE ${scope.clauses.join(' AND ')} ORDER BY occurred_at, input_id`)
        .pluck().all(...scope.bind(q)) as string[]
    },
  }
}

export type IndicatorInputsRepo = ReturnType<typeof createIndicatorInputsRepo>
