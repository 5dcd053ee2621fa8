/** Figures over repeated runs, results rows, targets. */

export interface Summary {
  min: number
  median: number
  max: number
  n: number
  values: number[]
}

export function summarize(values: number[]): Summary {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return { min: NaN, median: NaN, max: NaN, n: 0, values: [] }
  const mid = Math.floor(v.length / 2)
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
  return { min: v[0]!, median, max: v[v.length - 1]!, n: v.length, values }
}

export function percentile(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b)
  if (v.length === 0) return NaN
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!
}

export const mean = (values: number[]) => values.reduce((s, x) => s + x, 0) / Math.max(1, values.length)

export interface Target {
  /** What is compared: the ratio to the baseline, or the figure itself. */
  on: 'ratio' | 'value'
  op: '>=' | '<='
  limit: number
  text: string
}

export interface Row {
  figure: string
  unit: string
  value: Summary
  baseline?: { label: string; value: Summary }
  /** value.median / baseline.median, or as the row defines it. */
  ratio?: number
  target?: Target
  met?: boolean
  note?: string
}

export interface BenchResult {
  name: string
  title: string
  rows: Row[]
  notes: string[]
  extra?: Record<string, unknown>
  seconds: number
}

/** Fills ratio and met from the medians. */
export function row(r: Omit<Row, 'ratio' | 'met'> & { ratio?: number }): Row {
  const ratio = r.ratio ?? (r.baseline ? r.value.median / r.baseline.value.median : undefined)
  let met: boolean | undefined
  if (r.target) {
    const x = r.target.on === 'ratio' ? ratio : r.value.median
    met = x !== undefined && Number.isFinite(x) && (r.target.op === '>=' ? x >= r.target.limit : x <= r.target.limit)
  }
  return { ...r, ...(ratio !== undefined ? { ratio } : {}), ...(met !== undefined ? { met } : {}) }
}

export const one = (x: number) => summarize([x])
