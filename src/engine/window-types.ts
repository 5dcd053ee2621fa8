/**
 * The shapes of an indicator's window state: one input as held per indicator, and the aggregate
 * query an evaluation asks of it. Shared by the engine (which computes aggregates in memory) and
 * storage (which logs the inputs), so neither imports the other for them.
 */

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
  trendMeasures: readonly string[]
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


/** An indicator input as held in memory: the row with its flags as booleans. */
export interface SeriesRow extends Omit<IndicatorInputRow, 'assessed'> {
  assessed: boolean
  active: boolean
}
